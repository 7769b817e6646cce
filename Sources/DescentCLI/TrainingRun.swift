import DescentData
import DescentDistributed
import DescentLearn
import DescentTensor
import DescentOptim
import Foundation

/// One optimizer's `fit_one_cycle` run (`fit` at a constant lr for the schedule-free ones), as
/// `train` and `compare` make it and print it.
struct TrainingRun {
  struct EpochResult {
    var epoch: Int
    var train_loss: Double?
    var valid_loss: Double?
    var accuracy: Double?
    var seconds: Double
  }

  var optimizer: String
  var lr: Double
  /// The seed of its weights, shuffle and augmentation.
  var seed: UInt64 = 0
  var epochs: [EpochResult] = []
  var lrFind: LRFindResult?
  var lrFindSeconds: Double = 0
  /// The trained learner (for `--save`).
  var learner: Learner!
  /// The run's time as a user waits for it: the finder's, when it ran, and every epoch's.
  var totalSeconds: Double { epochs.reduce(lrFindSeconds) { $0 + $1.seconds } }

  /// The run as `--json` gives it (train's object, and each of compare's runs).
  var json: [String: Any] {
    [
      "optimizer": optimizer, "seed": Int(seed), "lr": lr, "lr_find_seconds": lrFindSeconds,
      "epochs": epochs.map { e -> [String: Any] in
        ["epoch": e.epoch, "train_loss": e.train_loss ?? NSNull(), "valid_loss": e.valid_loss ?? NSNull(),
         "accuracy": e.accuracy ?? NSNull(), "seconds": e.seconds]
      },
    ]
  }

  /// Builds the vision learner from a fixed seed (so every optimizer starts from the same
  /// weights and sees the same batches), finds the lr when `lr` is nil (the valley), trains
  /// with one cycle (schedule-free: constant lr), writing the Recorder's rows to `csv` as they come
  /// and, with --tensorboard, the run and the finder's curve as TensorBoard runs (`differing`:
  /// the hyper-parameters that differ between the command's runs). With --checkpoint, the run
  /// is checkpointed after every epoch; with --resume, it carries on from its checkpoint.
  static func run(
    _ choice: OptimizerChoice, options: TrainingOptions, data: DataLoaders, epochs: Int, lr: Double?,
    csv: String?, differing: Set<String> = []
  ) throws -> TrainingRun {
    Random.seed(options.seed)
    let world = ProcessGroup.world
    let learn = try visionLearner(
      data: data, arch: options.arch, weights: options.weights, ps: options.ps,
      optimizerFactory: choice.factory(wd: options.wd),
      callbacks: options.mixedPrecision ? [MixedPrecision()] : [],
      progress: ProcessGroup.showsProgress)
    // Under mpirun the Recorder writes CSV on rank 0 alone, and DataParallel quiets the others.
    learn.recorder.csvPath = csv
    var run = TrainingRun(optimizer: choice.name, lr: lr ?? 0, seed: options.seed)
    let name = TensorBoardRuns.runName(choice, seed: options.seed)
    let checkpoint = options.checkpointing.folder.map {
      RunCheckpoint(folder: $0, name: name, settings: options.settings(choice, epochs: epochs, lr: lr))
    }
    var resumed: RunCheckpoint.Resumed?
    if options.checkpointing.resume != nil, let checkpoint {
      resumed = try checkpoint.resume(into: learn)
      if let resumed {
        run = resumed.run
        let partial = resumed.batchesDone > 0 ? " and \(resumed.batchesDone) batch(es) of epoch \(resumed.epochsDone)" : ""
        say("resumed \(name) from \(checkpoint.path): \(resumed.epochsDone) of \(epochs) epoch(s) done\(partial)")
      } else {
        say("no checkpoint of \(name) in \(checkpoint.folder) yet: it starts from the beginning")
      }
    }
    let startEpoch = resumed?.epochsDone ?? 0, startBatch = resumed?.batchesDone ?? 0
    run.learner = learn
    // A resumed run keeps the lr it began with (a run stopped during its first epoch too).
    if lr == nil && resumed == nil {
      // Under mpirun, rank 0 alone runs the finder (on all the data, as one process would)
      // and the others take its suggestion.
      let finderStarted = Date()
      var valley: Double?
      if world.isMain {
        let found = try learn.lrFind()
        run.lrFind = found
        valley = found.suggested
      }
      if let root = options.tensorboard, let found = run.lrFind {
        try found.writeTensorBoard(runDirectory: TensorBoardRuns.folder(root, TensorBoardRuns.lrFindName(choice, seed: options.seed)))
      }
      valley = world.broadcast(valley ?? .nan)
      run.lrFindSeconds = Date().timeIntervalSince(finderStarted)
      guard let valley, !valley.isNaN else {
        throw TrainingError.noSuggestion(optimizer: choice.name)
      }
      say("lr_find: valley at \(String(format: "%.2e", valley))")
      run.lr = valley
    }
    if world.usesMPI {
      let parallel = DataParallel(world)
      if options.syncBN { parallel.synchronizeBatchNorm(learn.model) }
      learn.add(parallel)
    }
    // A resumed run's TensorBoard folder is the one it began (its steps go on there).
    let tensorBoardFolder = options.tensorboard.map { root in resumed?.tensorBoardFolder ?? TensorBoardRuns.folder(root, name) }
    var started = Date()
    // After the Recorder (order 50), which adds the epoch's row at afterEpoch; before the
    // checkpoint, which records this epoch's result with it.
    let timer = EventCallback(name: "EpochTimer", order: 60, [
      .beforeEpoch: { _ in started = Date() },
      .afterEpoch: { learn in
        let row = learn.recorder.values.count - 1
        // An epoch a resumed run skips adds no row.
        guard row >= run.epochs.count else { return }
        run.epochs.append(
          EpochResult(
            epoch: learn.epoch, train_loss: learn.recorder.value("train_loss", row: row),
            valid_loss: learn.recorder.value("valid_loss", row: row),
            accuracy: learn.recorder.value("accuracy", row: row), seconds: Date().timeIntervalSince(started)))
        guard let checkpoint else { return }
        try checkpoint.save(learn, run: run, epochsDone: learn.epoch + 1, tensorBoardFolder: tensorBoardFolder)
        if let signal = StopAtCheckpoint.requested() { throw StopAtCheckpoint(signal: signal, path: checkpoint.path, epoch: learn.epoch + 1, batch: 0) }
      },
      // With --checkpoint, SIGINT or SIGTERM stops the run after the batch it arrives in, with a
      // checkpoint there (after the TensorBoard callback, 55, has logged the batch).
      .afterBatch: { learn in
        guard learn.training, !learn.skippingBatch, let checkpoint, let signal = StopAtCheckpoint.requested() else { return }
        try checkpoint.save(learn, run: run, epochsDone: learn.epoch, batchesDone: learn.iteration + 1, tensorBoardFolder: tensorBoardFolder)
        throw StopAtCheckpoint(signal: signal, path: checkpoint.path, epoch: learn.epoch, batch: learn.iteration + 1)
      },
    ])
    if checkpoint != nil { TemporaryFiles.stopsAtSafePoint.store(true, ordering: .relaxed) }
    // Under mpirun the callback writes on rank 0 alone.
    let tensorBoard = tensorBoardFolder.map { folder in
      [TensorBoardCallback(
        runDirectory: folder, hparams: TensorBoardRuns.hparams(choice, options: options, lr: run.lr, epochs: epochs),
        differingHParams: differing)]
    } ?? []
    if choice.isScheduleFree {
      try learn.fit(epochs, lr: .all(run.lr), callbacks: [timer, ScheduleFreeCallback(warmupFraction: 0.05)] + tensorBoard,
                    startEpoch: startEpoch, startBatch: startBatch)
    } else {
      try learn.fitOneCycle(epochs, lrMax: .all(run.lr), moms: choice.oneCycleMoms, callbacks: [timer] + tensorBoard,
                            startEpoch: startEpoch, startBatch: startBatch)
    }
    let skipped = data.train.skipped + data.valid.skipped
    if let first = skipped.first {
      say("skipped \(skipped.count) unreadable image(s) (--bad-files skip); the first: \(first)")
    }
    return run
  }

  /// The run's plot, one panel each: the losses (fastai's `plot_loss`), the lr and mom
  /// schedule (`plot_sched`) and, when it ran, lr_find's curve; PNG or SVG by `path`'s extension.
  func writePlot(to path: String) throws {
    var panels = [Plot.losses(learner.recorder)] + Plot.schedule(learner.recorder).panels
    if let lrFind { panels.append(Plot.lrFind(lrFind)) }
    try TrainingOptions.createParentFolder(of: path)
    try PlotOutput.write(Figure(panels), to: path, width: 320 * panels.count)
  }
}

enum TrainingError: Error, CustomStringConvertible {
  case noSuggestion(optimizer: String)

  var description: String {
    switch self {
    case .noSuggestion(let optimizer):
      return "lr_find for \(optimizer) found no valley (the loss never fell); pass --lr"
    }
  }
}
