/// Thrown by a callback to skip the rest of a part of the training loop (fastai's
/// `Cancel…Exception`). The part it names ends early, its `afterCancel…` event runs, then its
/// `after…` event, and the loop carries on from there.
public enum CancelSignal: Error, Sendable, Equatable {
  /// Skip the rest of this batch; go to `afterBatch`.
  case batch
  /// Skip the backward pass; go to `afterBackward`.
  case backward
  /// Skip this optimizer step; go to `afterStep`.
  case step
  /// Skip the rest of this epoch's training; go to `afterTrain` (validation still runs).
  case train
  /// Skip the rest of this validation; go to `afterValidate`.
  case validate
  /// Skip the rest of this epoch; go to `afterEpoch`.
  case epoch
  /// Stop training; go to `afterFit`.
  case fit
}

/// The parts of the loop that can be cancelled, with their events.
enum LoopPart {
  case fit, epoch, train, validate, batch, backward, step

  var signal: CancelSignal {
    switch self {
    case .fit: return .fit
    case .epoch: return .epoch
    case .train: return .train
    case .validate: return .validate
    case .batch: return .batch
    case .backward: return .backward
    case .step: return .step
    }
  }

  var events: (before: Event, afterCancel: Event, after: Event) {
    switch self {
    case .fit: return (.beforeFit, .afterCancelFit, .afterFit)
    case .epoch: return (.beforeEpoch, .afterCancelEpoch, .afterEpoch)
    case .train: return (.beforeTrain, .afterCancelTrain, .afterTrain)
    case .validate: return (.beforeValidate, .afterCancelValidate, .afterValidate)
    case .batch: return (.beforeBatch, .afterCancelBatch, .afterBatch)
    case .backward: return (.beforeBackward, .afterCancelBackward, .afterBackward)
    case .step: return (.beforeStep, .afterCancelStep, .afterStep)
    }
  }
}
