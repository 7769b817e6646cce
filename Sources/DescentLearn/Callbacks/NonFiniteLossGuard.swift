/// Stops training with `LearnerError.nonFiniteLoss` when a training loss is NaN or infinite,
/// before the backward pass, so the weights keep their last good values and no checkpoint is
/// written from a diverged model. (fastai's `TerminateOnNaNCallback` cancels quietly; an error
/// that names the place says more.) The LR finder runs without it: divergence is what it seeks.
public final class NonFiniteLossGuard: Callback {
  public override init() {}
  public override var order: Int { -5 }
  public override var runValid: Bool { false }

  public override func afterLoss(_ learn: Learner) throws {
    guard !learn.lossValue.isFinite else { return }
    throw LearnerError.nonFiniteLoss(loss: learn.lossValue, epoch: learn.epoch, batch: learn.iteration,
                                     lr: Float(learn.optimizer?.hypers.last?["lr"] ?? .nan))
  }
}
