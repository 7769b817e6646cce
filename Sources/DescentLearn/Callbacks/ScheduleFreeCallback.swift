import DescentNN
import DescentOptim
import DescentTensor

/// Runs a schedule-free optimizer as the `schedulefree` package asks: its `train()` before each
/// training epoch and its `eval()` before validation and at the end of the fit (so validation,
/// checkpoints and the saved model see x, the averaged weights). Train with a constant lr
/// (`fit`): the averaging replaces the schedule.
///
/// Batch norm's running statistics were gathered at y, not x. As the package's README
/// recommends, before each validation the model runs `recalibrationBatches` training batches
/// forward in training mode at x (no gradients), so that the statistics are x's.
public final class ScheduleFreeCallback: Callback {
  /// Training batches run forward before each validation to recompute batch-norm statistics
  /// at x (the package's README uses 50); 0 skips it, as does a model without batch norm.
  public var recalibrationBatches: Int
  /// When set, the optimizer's `warmup_steps` become this fraction of the fit's steps (the
  /// paper warms up over about 5% of training).
  public var warmupFraction: Double?

  public init(recalibrationBatches: Int = 50, warmupFraction: Double? = nil) {
    precondition(recalibrationBatches >= 0, "recalibrationBatches must not be negative")
    self.recalibrationBatches = recalibrationBatches
    self.warmupFraction = warmupFraction
    super.init()
  }

  // After TrainEvalCallback (-10), which sets the model's mode.
  public override var order: Int { 5 }

  public override func beforeFit(_ learn: Learner) throws {
    guard let warmupFraction, let opt = learn.optimizer else { return }
    let steps = (warmupFraction * Double(learn.epochCount * learn.data.train.count)).rounded()
    opt.setScheduledHyper("warmup_steps", .all(steps))
  }

  public override func beforeTrain(_ learn: Learner) throws {
    if let opt = learn.optimizer { ScheduleFree.train(opt) }
  }

  public override func beforeValidate(_ learn: Learner) throws {
    guard let opt = learn.optimizer else { return }
    ScheduleFree.eval(opt)
    try recalibrateBatchNorm(learn)
  }

  public override func afterFit(_ learn: Learner) throws {
    if let opt = learn.optimizer { ScheduleFree.eval(opt) }
  }

  private func recalibrateBatchNorm(_ learn: Learner) throws {
    guard recalibrationBatches > 0, ScheduleFree.isActive(learn.opt),
          learn.model.namedModules().contains(where: { $0.1 is BatchNorm }) else { return }
    learn.model.train()
    defer { learn.model.eval() }
    let batches = learn.data.train.batches(epoch: learn.epoch)
    try noGrad {
      for _ in 0..<recalibrationBatches {
        guard let batch = try batches.next() else { break }
        _ = learn.model(batch.x)
      }
    }
  }
}
