import DescentNN
import DescentOptim
import DescentTensor
import Foundation

/// Ties a model, its data, a loss, an optimizer and callbacks together and runs fastai's
/// training loop. Everything around the bare loop (modes, counters, recording, progress,
/// schedules, the LR finder) is a callback, so the loop below stays the whole story:
///
///     fit: for each epoch: train (forward, loss, backward, step, zero grad per batch),
///          then validate (forward and loss without recording, model in eval mode)
///
/// with events around every part; a `CancelSignal` thrown at an event skips the rest of its part.
public final class Learner {
  public var data: (train: BatchSource, valid: BatchSource)
  public let model: Module
  /// Loss over the model's output and the batch's targets; its result must be one element.
  public var lossFunc: (Tensor, [Int]) -> Tensor
  /// Builds the optimizer from the parameter groups (called on first use and on reset).
  public let optimizerFactory: ([[Tensor]]) -> Optimizer
  /// Splits the model's parameters into groups (one group by default), for discriminative
  /// learning rates and freezing.
  public let splitter: (Module) -> [[Tensor]]
  public var metrics: [Metric]
  /// The optimizer, created by the first fit (or `createOptimizer()`).
  public var optimizer: Optimizer?
  /// The default learning rate of `fit` and the schedules (fastai's `defaults.lr`).
  public var lr: HyperSetting = 1e-3
  /// Weight decay set on every fit, when not nil (nil keeps the optimizer's own).
  public var wd: Double?
  /// Momentum for one-cycle: start, middle, end.
  public var moms: (Double, Double, Double) = (0.95, 0.85, 0.95)
  /// Where `save`/`load` put checkpoints.
  public var modelDirectory: String
  /// What `load` read from a training checkpoint for the fit that resumes it (`startEpoch` > 0):
  /// the shared generator's state and the Recorder's, restored as that fit starts.
  public var resumeState: (random: [UInt64], recorder: Recorder.State)?
  /// Whether the current batch is one a resumed fit skips (trained before its checkpoint): it
  /// is cancelled before its forward pass, and callbacks that record batches leave it out.
  public internal(set) var skippingBatch = false
  /// Receives the results table, one line at a time; nil keeps it quiet.
  public var logger: ((String) -> Void)? = { line in
    // Unbuffered, so that each row shows as its epoch ends even when piped.
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
  }
  /// The Recorder (always present): losses, learning rates and the results table.
  public let recorder: Recorder

  public private(set) var callbacks: [Callback] = []
  private var orderedCallbacks: [Callback] = []

  // MARK: Loop state, read (and sometimes changed) by callbacks.

  /// Epochs of the current fit, and the one running (from 0).
  public internal(set) var epochCount = 1
  public internal(set) var epoch = 0
  /// Batches in the current pass, and the one running (from 0).
  public internal(set) var batchCount = 0
  public internal(set) var iteration = 0
  /// Training batches done since the fit began, and the fraction of the fit done (the
  /// schedules' position); kept by `TrainEvalCallback`.
  public var trainIteration = 0
  public var pctTrain = 0.0
  /// Training (true) or validating (false).
  public var training = false
  /// The current batch; a callback at `beforeBatch` may replace them.
  public var xb: Tensor?
  public var yb: [Int] = []
  /// The model's output and the loss of the current batch (`loss` is what backward runs on).
  public var pred: Tensor?
  public var loss: Tensor?
  public var lossValue: Float = 0
  /// The Recorder's smoothed training loss after the last training batch.
  public var smoothLoss: Double = 0
  /// Called during backward as each parameter's gradient becomes final (`DataParallel`
  /// starts its all-reduces from it).
  public var gradientReady: ((Tensor) -> Void)?
  /// The source being iterated.
  public internal(set) var currentData: BatchSource?

  public init(data: (train: BatchSource, valid: BatchSource), model: Module,
              lossFunc: @escaping (Tensor, [Int]) -> Tensor = { $0.crossEntropy($1) },
              optimizerFactory: @escaping ([[Tensor]]) -> Optimizer = { Adam($0, lr: 1e-3) },
              splitter: @escaping (Module) -> [[Tensor]] = { [$0.parameters()] },
              metrics: [Metric] = [], callbacks: [Callback] = [], modelDirectory: String = "models",
              progress: Bool = ProgressCallback.stdoutIsTerminal) {
    self.data = data
    self.model = model
    self.lossFunc = lossFunc
    self.optimizerFactory = optimizerFactory
    self.splitter = splitter
    self.metrics = metrics
    self.modelDirectory = modelDirectory
    recorder = Recorder()
    add([TrainEvalCallback(), recorder, NonFiniteLossGuard()])
    if progress { add(ProgressCallback()) }
    add(callbacks)
  }

  // MARK: Callbacks

  public func add(_ callback: Callback) { add([callback]) }

  public func add(_ newCallbacks: [Callback]) {
    callbacks += newCallbacks
    reorder()
  }

  public func remove(_ callback: Callback) {
    callbacks.removeAll { $0 === callback }
    reorder()
  }

  /// The first callback of type `T`.
  public func callback<T: Callback>(_ type: T.Type) -> T? { callbacks.lazy.compactMap { $0 as? T }.first }

  /// Runs `body` with `extra` callbacks added, removing them afterwards whatever happens.
  func with<R>(_ extra: [Callback], _ body: () throws -> R) rethrows -> R {
    add(extra)
    defer { for c in extra { remove(c) } }
    return try body()
  }

  /// Runs `body` with `removed` callbacks taken out, putting them back afterwards.
  func without<R>(_ removed: [Callback], _ body: () throws -> R) rethrows -> R {
    for c in removed { remove(c) }
    defer { add(removed) }
    return try body()
  }

  private func reorder() {
    // Stable: equal orders keep insertion order, as fastai's sorted('order').
    orderedCallbacks = callbacks.enumerated()
      .sorted { ($0.element.order, $0.offset) < ($1.element.order, $1.offset) }
      .map(\.element)
  }

  /// Runs `event` on every callback, in order.
  public func dispatch(_ event: Event) throws {
    for c in orderedCallbacks { try c.handle(event, self) }
  }

  // MARK: Optimizer

  /// Builds the optimizer over the splitter's groups (fastai's `create_opt`).
  public func createOptimizer() {
    let groups = splitter(model).map { $0.filter(\.requiresGrad) }.filter { !$0.isEmpty }
    optimizer = optimizerFactory(groups.isEmpty ? [model.parameters()] : groups)
  }

  var opt: Optimizer {
    if optimizer == nil { createOptimizer() }
    return optimizer!
  }

  /// Trains only the groups from `n` on (a negative `n` counts from the end), and drops the
  /// optimizer's state, as fastai's `freeze_to`.
  public func freezeTo(_ n: Int) {
    opt.freezeTo(n)
    opt.clearState()
  }

  /// Trains only the last group (the head).
  public func freeze() { freezeTo(-1) }
  public func unfreeze() { freezeTo(0) }

  // MARK: The loop

  /// Trains for `epochs` epochs at `lr` (the Learner's `lr` when nil). `startEpoch` (and
  /// `startBatch`, training batches of that epoch) skips what a run resumed from a checkpoint
  /// trained before it; schedules still see the whole fit.
  public func fit(_ epochs: Int, lr: HyperSetting? = nil, wd: Double? = nil, callbacks extra: [Callback] = [],
                  resetOptimizer: Bool = false, startEpoch: Int = 0, startBatch: Int = 0) throws {
    precondition(epochs >= 0, "fit: epochs must not be negative, not \(epochs)")
    precondition(startEpoch >= 0 && startEpoch <= epochs, "fit: start epoch \(startEpoch) is outside 0…\(epochs)")
    guard data.train.count > 0 else { throw LearnerError.emptyData(which: "training") }
    let added = extra + (startEpoch > 0 || startBatch > 0 ? [SkipToEpoch(startEpoch, batch: startBatch)] : [])
    if startEpoch > 0 || startBatch > 0, let resumed = resumeState {
      Random.state = resumed.random
      recorder.resumeFrom = resumed.recorder
    }
    resumeState = nil
    try with(added) {
      if resetOptimizer || optimizer == nil { createOptimizer() }
      if let wd = wd ?? self.wd { opt.setScheduledHyper("wd", .all(wd)) }
      opt.setScheduledHyper("lr", lr ?? self.lr)
      epochCount = epochs
      do {
        try withEvents(.fit) {
          for e in 0..<epochs {
            epoch = e
            try withEvents(.epoch) {
              try trainEpoch()
              try validateEpoch()
            }
          }
        }
      } catch {
        for c in orderedCallbacks { c.afterError(self, error) }
        throw error
      }
    }
    endCleanup()
  }

  /// `before…`, the body, then `after…`; when the body (or `before…`) throws this part's
  /// cancel signal, `afterCancel…` runs first and the loop goes on.
  func withEvents(_ part: LoopPart, _ body: () throws -> Void) throws {
    let events = part.events
    do {
      try dispatch(events.before)
      try body()
    } catch let signal as CancelSignal where signal == part.signal {
      try dispatch(events.afterCancel)
    }
    try dispatch(events.after)
  }

  // The pass's batch count is set before its `before` events, so that they see it (the
  // progress bar's first frame).
  private func trainEpoch() throws {
    currentData = data.train
    batchCount = data.train.count
    try withEvents(.train) { try allBatches(data.train) }
  }

  private func validateEpoch() throws {
    currentData = data.valid
    batchCount = data.valid.count
    try noGrad { try withEvents(.validate) { try allBatches(data.valid) } }
  }

  private func allBatches(_ source: BatchSource) throws {
    let batches = source.batches(epoch: epoch)
    var i = 0
    while let batch = try batches.next() {
      iteration = i
      i += 1
      xb = batch.x
      yb = batch.y
      try withEvents(.batch) { try oneBatch() }
    }
  }

  private func oneBatch() throws {
    guard let x = xb else { return }
    pred = model(x)
    try dispatch(.afterPred)
    let l = lossFunc(pred!, yb)
    loss = l
    lossValue = noGrad { l.count == 1 ? l.item() : l.mean().item() }
    try dispatch(.afterLoss)
    guard training else { return }
    try withEvents(.backward) { try loss?.backward(gradientReady: gradientReady) }
    try withEvents(.step) { opt.step() }
    opt.zeroGrad()
  }

  private func endCleanup() {
    currentData = nil
    xb = nil
    yb = []
    pred = nil
    loss = nil
  }
}
