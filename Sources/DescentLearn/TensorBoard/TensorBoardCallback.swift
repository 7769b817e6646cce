import DescentDistributed
import Foundation

/// Writes a run for TensorBoard (fastai's `TensorBoardCallback`) into `runDirectory`, one run
/// folder per run: `tensorboard --logdir` on the folder above shows every run side by side.
///
/// Tags and steps are fastai's, so that curves line up and read as fastai's do:
/// - Each training batch, at step = training batches done (counted from 1, across fits):
///   `train_loss`, the Recorder's smoothed loss (fastai logs `smooth_loss` under that name),
///   `batch_loss`, the batch's own loss, and for every hyper-parameter h of parameter group k,
///   `h_k` (`lr_0`, `mom_0`, `wd_0`, …).
/// - Each epoch, at the same step (the training batches done by its end): `valid_loss` and
///   every metric by its name, as the table shows them, and `images_per_second` (training images
///   over the epoch's training time).
/// - With `hparams`, a session of the HParams plugin: the experiment (the hyper-parameters and,
///   as metrics, `valid_loss` and the metrics) and the session's start at the first fit, its end
///   (success, or failure when the fit was cancelled) at the end of that fit. The plugin's table
///   then shows each run's values beside its last `valid_loss` and metrics. Every run writes the
///   experiment (TensorBoard reads the first it finds), so each folder stands on its own.
///
/// The file is flushed to disk after every epoch and closed at the end of each fit (a later fit
/// opens a new file in the same folder). Under mpirun, rank 0 alone writes.
public final class TensorBoardCallback: Callback {
  public let runDirectory: String
  public var hparams: [String: HParamValue]
  /// The hyper-parameters whose values differ between the runs compared (an optimizer
  /// comparison's optimizer, seed, lr): the HParams tab shows them first.
  public var differingHParams: Set<String>
  /// The scalar tags the HParams table shows; nil: `valid_loss` and the learner's metrics.
  public var hparamMetrics: [String]?
  /// The open event file, during a fit.
  public private(set) var writer: EventFileWriter?

  // Steps keep counting over several fits (fine_tune's two), so that their curves follow on.
  private var iterationOffset = 0
  private var sessionStarted = false, sessionEnded = false, cancelled = false
  private var images = 0, trainStarted = 0.0, trainSeconds = 0.0, rowsBefore = 0

  public init(runDirectory: String, hparams: [String: HParamValue] = [:], differingHParams: Set<String> = [],
              hparamMetrics: [String]? = nil) {
    self.runDirectory = runDirectory
    self.hparams = hparams
    self.differingHParams = differingHParams
    self.hparamMetrics = hparamMetrics
    super.init()
  }

  // After the Recorder (50): its smoothed loss and its epoch row are ready.
  public override var order: Int { 55 }
  public override var runValid: Bool { false }

  private static var now: Double { Date().timeIntervalSince1970 }

  public override func beforeFit(_ learn: Learner) throws {
    cancelled = false
    guard Communicator.world.isMain else { return }
    let writer = try self.writer ?? EventFileWriter(runDirectory: runDirectory)
    self.writer = writer
    if !sessionStarted && !hparams.isEmpty {
      let metrics = hparamMetrics ?? ["valid_loss"] + learn.metrics.map(\.name)
      let time = Self.now
      try writer.write(SummaryEvent(wallTime: time, values: [
        HParamsSummary.experiment(hparams: hparams, differing: differingHParams, metrics: metrics, time: time),
        HParamsSummary.sessionStart(hparams: hparams, time: time),
      ]))
      sessionStarted = true
    }
  }

  public override func beforeEpoch(_ learn: Learner) throws {
    images = 0
    trainSeconds = 0
    rowsBefore = learn.recorder.values.count
  }

  public override func beforeTrain(_ learn: Learner) throws { trainStarted = Self.now }
  public override func afterTrain(_ learn: Learner) throws { trainSeconds = Self.now - trainStarted }

  public override func afterBatch(_ learn: Learner) throws {
    guard !learn.skippingBatch else { return }
    images += learn.xb?.shape.first ?? 0
    guard let writer else { return }
    var values: [SummaryValue] = [.scalar("train_loss", Float(learn.smoothLoss)), .scalar("batch_loss", learn.lossValue)]
    for (k, group) in (learn.optimizer?.hypers ?? []).enumerated() {
      for (name, v) in group.sorted(by: { $0.key < $1.key }) { values.append(.scalar("\(name)_\(k)", Float(v))) }
    }
    try writer.write(SummaryEvent(wallTime: Self.now, step: Int64(iterationOffset + learn.trainIteration), values: values))
  }

  public override func afterEpoch(_ learn: Learner) throws {
    guard let writer else { return }
    var values: [SummaryValue] = []
    // An epoch skipped by a resumed run adds no row.
    let recorder = learn.recorder
    if recorder.values.count > rowsBefore, let row = recorder.values.last {
      for (name, cell) in zip(recorder.metricNames.dropFirst(), row) where name != "train_loss" {
        if case .number(let v) = cell { values.append(.scalar(name, Float(v))) }
      }
    }
    if images > 0 && trainSeconds > 0 {
      // Each process trains on its own share of the batches: rank 0's rate, times the processes.
      let rate = Double(images * Communicator.world.size) / trainSeconds
      values.append(.scalar("images_per_second", Float(rate)))
    }
    if !values.isEmpty {
      try writer.write(SummaryEvent(wallTime: Self.now, step: Int64(iterationOffset + learn.trainIteration), values: values))
    }
    try writer.flush()
  }

  public override func afterCancelFit(_ learn: Learner) throws { cancelled = true }

  public override func afterFit(_ learn: Learner) throws {
    iterationOffset += learn.trainIteration
    try end(status: cancelled ? .failure : .success)
  }

  /// A run stopped by an error ends its session as failed, so TensorBoard's HParams table
  /// says so instead of leaving it unknown; what was written stays readable.
  public override func afterError(_ learn: Learner, _ error: Error) {
    try? end(status: .failure)
    writer = nil
  }

  private func end(status: HParamsSummary.Status) throws {
    guard let writer else { return }
    // TensorBoard keeps the first metadata of a tag in a run, so one session ends once.
    if sessionStarted && !sessionEnded {
      try writer.write(SummaryEvent(wallTime: Self.now, values: [HParamsSummary.sessionEnd(status: status, time: Self.now)]))
      sessionEnded = true
    }
    try writer.close()
    self.writer = nil
  }
}
