import ArgumentParser
import DescentLearn
import Foundation

struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train the same model with several optimizers and compare their tables.",
    discussion: """
      Runs fit_one_cycle once per optimizer, each from the same seed — the same initial \
      weights and the same batches — and prints each run's table under a heading, then a \
      summary (optimizer, lr used, final train_loss, valid_loss, accuracy, total time), and \
      writes one plot of every run's validation loss and accuracy per epoch. Learning rates \
      are the seed's: SGD at lr_find's valley, the custom-stepper SGD at 1.5e-2, the seed's \
      damped momentum at 3e-2 (mom 0.9, driven 0.95 → 0.85 → 0.95 by the one-cycle \
      schedule), RMSProp (square_mom 0.99, eps 1e-8) and Adam at 3e-3.

      Examples:
        descent compare --data mnist5k --size 28 --presize 32 --epochs 3
        descent compare --data imagenette2-160 --opt adam,rmsprop --epochs 5 --json runs.json
        descent compare --data mnist5k --size 28 --presize 32 --seed 42,1,2,3,4
        descent compare --data mnist5k --size 28 --presize 32 --seed 42,1,2 --tensorboard runs/tb

      One seed proves little: the same optimizer moves by several points of accuracy from seed \
      to seed. With several --seed values, every optimizer runs at every seed (each seed its own initial \
      weights and batches, the same for every optimizer), and the summary gives per optimizer \
      the mean ± standard deviation of the final valid_loss and accuracy with each seed's value, \
      and against the optimizer of best mean accuracy the mean paired difference (seed by seed) \
      with its standard error, saying whether it is beyond two standard errors. The plot then \
      draws each optimizer's mean per epoch with its min–max band over the seeds.

      With --tensorboard DIR, every run is a TensorBoard run, DIR/OPTIMIZER-seedSEED, and a \
      session of its HParams tab: `tensorboard --logdir DIR` shows the runs' curves side by side \
      and a table of every optimizer and seed with its final valid_loss and accuracy.
      """)

  @OptionGroup var options: TrainingOptions

  @Option(name: .customLong("opt"), help: ArgumentHelp(
    "Comma-separated optimizers, each trained at its default lr: \(OptimizerChoice.namesWithLR).", valueName: "opt"))
  var opts = "sgd,sgd-custom,momentum,rmsprop,adam"

  @Option(parsing: .unconditional, help: "Epochs per optimizer: one cycle (constant lr for sf-adamw and sf-sgd).")
  var epochs = 3

  @Option(help: "PNG or SVG file for the comparison plot (by its extension).")
  var plot = "compare.png"

  @OptionGroup var json: JSONOutput

  func choices() throws -> [OptimizerChoice] { try opts.split(separator: ",").map { try OptimizerChoice.parse(String($0)) } }

  func validate() throws {
    let names = opts.split(separator: ",").map(String.init)
    guard !names.isEmpty else { throw ValidationError("--opt is empty") }
    for name in names where (try? OptimizerChoice.parse(name)) == nil {
      throw ValidationError("--opt: '\(name)' must be one of \(OptimizerChoice.argumentNames)")
    }
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, not \(epochs)") }
    guard PlotOutput.isPlotFile(plot) else { throw ValidationError("--plot must name a .png or .svg file, not '\(plot)'") }
  }

  func run() throws {
    json.routeTablesToStandardError()
    try OutputPaths.checkFile(plot, flag: "--plot")
    try options.checkTensorBoardFolder()
    options.applyBackendOptions()
    let seeds = try options.seedList.seeds(), choices = try choices()
    // runs[o][s]: optimizer o at seed s.
    var runs: [[TrainingRun]] = Array(repeating: [], count: choices.count)
    for (k, seed) in seeds.enumerated() {
      var seeded = options
      seeded.seed = seed
      let data = try seeded.loaders()
      if k == 0 {
        let precision = try ConvolutionProbe.prepareRun(options, channels: data.train.channels, classes: data.vocab.count)
        let seedNote = seeds.count > 1 ? " · seeds \(seeds.map(String.init).joined(separator: ", "))" : ""
        say("\(options.arch) · \(data.vocab.count) classes · \(data.train.items.count) training images · \(epochs) epochs each\(seedNote)\(ProcessGroup.globalBatchNote(perProcess: options.bs))\(precision)")
      }
      for (o, choice) in choices.enumerated() {
        let lr = choice.defaultLR.map { String(format: ", lr %.1e", $0) } ?? ", lr from lr_find's valley"
        say("\n## \(choice.title)\(lr)\(seeds.count > 1 ? " · seed \(seed)" : "")")
        runs[o].append(try TrainingRun.run(
          choice, options: seeded, data: data, epochs: epochs, lr: choice.defaultLR, csv: nil,
          differing: TensorBoardRuns.differing(choices, seeds: seeds)))
      }
    }
    guard ProcessGroup.isMain else { return }
    let summary = SeedSummary(seeds: seeds, runs: runs)
    if seeds.count > 1 {
      summary.print()
    } else {
      printSummary(runs.map { $0[0] })
    }
    try TrainingOptions.createParentFolder(of: plot)
    try PlotOutput.write(Self.figure(runs), to: plot, width: 960, height: 420)
    say("wrote \(plot)")
    try json.write(["runs": runs.joined().map(\.json), "summary": summary.json])
    if let root = options.tensorboard { say("wrote a TensorBoard run per optimizer and seed into \(root) (tensorboard --logdir \(root))") }
  }

  /// One seed: each run's lr, final losses and accuracy, and time.
  private func printSummary(_ runs: [TrainingRun]) {
    say("\n## Summary")
    let width = runs.map(\.optimizer.count).reduce("optimizer".count, max) + 2
    row("optimizer", "lr", "train_loss", "valid_loss", "accuracy", "time", nameWidth: width)
    for run in runs {
      let last = run.epochs.last
      row(run.optimizer, String(format: "%.1e", run.lr), Self.format(last?.train_loss), Self.format(last?.valid_loss),
          Self.format(last?.accuracy), String(format: "%.0f s", run.totalSeconds), nameWidth: width)
    }
  }

  static func format(_ value: Double?) -> String { value.map { String(format: "%.6f", $0) } ?? "None" }

  /// Validation loss and accuracy per epoch, one line per optimizer (its mean over the seeds,
  /// in a min–max band when there are several), side by side.
  static func figure(_ runs: [[TrainingRun]]) -> Figure {
    func panel(_ title: String, logY: Bool, _ value: @escaping (TrainingRun.EpochResult) -> Double?) -> Plot {
      Plot(title: title, xLabel: "epoch", yLabel: title, logY: logY, series: runs.map { perSeed in
        let epochs = perSeed.map(\.epochs.count).min() ?? 0
        let values = (0..<epochs).map { e in perSeed.map { value($0.epochs[e]) ?? .nan } }
        let xs = (0..<epochs).map { Double(perSeed[0].epochs[$0].epoch) }
        let means = values.map { $0.reduce(0, +) / Double($0.count) }
        let band = perSeed.count > 1 ? (low: values.map { $0.min()! }, high: values.map { $0.max()! }) : nil
        return Plot.Series(perSeed[0].optimizer, xs: xs, ys: means, style: .line, band: band)
      }, bandLabel: "line: mean; shaded: min–max over \(runs.first?.count ?? 0) seeds")
    }
    // Log scale for the loss: a first-epoch spike would flatten every later epoch.
    return Figure([panel("valid_loss (log scale)", logY: true, \.valid_loss), panel("accuracy", logY: false, \.accuracy)])
  }
}
