/// The points of the training loop where callbacks run, in fastai's order. The `afterCancel*`
/// events run when the matching `CancelSignal` interrupts that part of the loop, just before
/// its `after*` event.
public enum Event: String, CaseIterable, Sendable {
  case beforeFit = "before_fit"
  case beforeEpoch = "before_epoch"
  case beforeTrain = "before_train"
  case beforeBatch = "before_batch"
  case afterPred = "after_pred"
  case afterLoss = "after_loss"
  case beforeBackward = "before_backward"
  case afterCancelBackward = "after_cancel_backward"
  case afterBackward = "after_backward"
  case beforeStep = "before_step"
  case afterCancelStep = "after_cancel_step"
  case afterStep = "after_step"
  case afterCancelBatch = "after_cancel_batch"
  case afterBatch = "after_batch"
  case afterCancelTrain = "after_cancel_train"
  case afterTrain = "after_train"
  case beforeValidate = "before_validate"
  case afterCancelValidate = "after_cancel_validate"
  case afterValidate = "after_validate"
  case afterCancelEpoch = "after_cancel_epoch"
  case afterEpoch = "after_epoch"
  case afterCancelFit = "after_cancel_fit"
  case afterFit = "after_fit"

  /// Events of one batch: a callback that runs only in training or only in validation is
  /// skipped for these outside its phase (fastai's `run_train` / `run_valid`).
  public var isInnerLoop: Bool {
    switch self {
    case .beforeBatch, .afterPred, .afterLoss, .beforeBackward, .afterCancelBackward, .afterBackward,
         .beforeStep, .afterStep, .afterCancelStep, .afterCancelBatch, .afterBatch:
      return true
    default:
      return false
    }
  }
}
