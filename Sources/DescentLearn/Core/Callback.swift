/// Something that changes or watches the training loop at its events (fastai's `Callback`).
/// Subclasses override the events they need; each receives the Learner, whose state
/// (`epoch`, `iteration`, `loss`, `pred`, `optimizer` …) they read and may change. A callback
/// may throw a `CancelSignal` to skip part of the loop; any other error stops training (and
/// each callback then hears of it in `afterError`).
///
/// Callbacks run in increasing `order` (stable: equal orders keep the order they were added in).
open class Callback {
  public init() {}

  /// Position among the callbacks at each event (fastai's `order`).
  open var order: Int { 0 }
  /// Run the batch events while training (fastai's `run_train`).
  open var runTrain: Bool { true }
  /// Run the batch events while validating (fastai's `run_valid`).
  open var runValid: Bool { true }
  /// A short name for messages.
  open var name: String { String(describing: type(of: self)) }

  open func beforeFit(_ learn: Learner) throws {}
  open func beforeEpoch(_ learn: Learner) throws {}
  open func beforeTrain(_ learn: Learner) throws {}
  open func beforeBatch(_ learn: Learner) throws {}
  open func afterPred(_ learn: Learner) throws {}
  open func afterLoss(_ learn: Learner) throws {}
  open func beforeBackward(_ learn: Learner) throws {}
  open func afterCancelBackward(_ learn: Learner) throws {}
  open func afterBackward(_ learn: Learner) throws {}
  open func beforeStep(_ learn: Learner) throws {}
  open func afterCancelStep(_ learn: Learner) throws {}
  open func afterStep(_ learn: Learner) throws {}
  open func afterCancelBatch(_ learn: Learner) throws {}
  open func afterBatch(_ learn: Learner) throws {}
  open func afterCancelTrain(_ learn: Learner) throws {}
  open func afterTrain(_ learn: Learner) throws {}
  open func beforeValidate(_ learn: Learner) throws {}
  open func afterCancelValidate(_ learn: Learner) throws {}
  open func afterValidate(_ learn: Learner) throws {}
  open func afterCancelEpoch(_ learn: Learner) throws {}
  open func afterEpoch(_ learn: Learner) throws {}
  open func afterCancelFit(_ learn: Learner) throws {}
  open func afterFit(_ learn: Learner) throws {}
  /// A fit stopped by an error (not a `CancelSignal`): `afterFit` will not run, so this is the
  /// place to close what `beforeFit` opened. It runs for every callback, cannot throw, and the
  /// error then goes on to the caller.
  open func afterError(_ learn: Learner, _ error: Error) {}

  /// Runs this callback's handler for `event`, unless it is a batch event of a phase the
  /// callback sits out.
  final func handle(_ event: Event, _ learn: Learner) throws {
    if event.isInnerLoop && !(learn.training ? runTrain : runValid) { return }
    try on(event, learn)
  }

  /// Dispatches `event` to its method; override to handle events generically.
  open func on(_ event: Event, _ learn: Learner) throws {
    switch event {
    case .beforeFit: try beforeFit(learn)
    case .beforeEpoch: try beforeEpoch(learn)
    case .beforeTrain: try beforeTrain(learn)
    case .beforeBatch: try beforeBatch(learn)
    case .afterPred: try afterPred(learn)
    case .afterLoss: try afterLoss(learn)
    case .beforeBackward: try beforeBackward(learn)
    case .afterCancelBackward: try afterCancelBackward(learn)
    case .afterBackward: try afterBackward(learn)
    case .beforeStep: try beforeStep(learn)
    case .afterCancelStep: try afterCancelStep(learn)
    case .afterStep: try afterStep(learn)
    case .afterCancelBatch: try afterCancelBatch(learn)
    case .afterBatch: try afterBatch(learn)
    case .afterCancelTrain: try afterCancelTrain(learn)
    case .afterTrain: try afterTrain(learn)
    case .beforeValidate: try beforeValidate(learn)
    case .afterCancelValidate: try afterCancelValidate(learn)
    case .afterValidate: try afterValidate(learn)
    case .afterCancelEpoch: try afterCancelEpoch(learn)
    case .afterEpoch: try afterEpoch(learn)
    case .afterCancelFit: try afterCancelFit(learn)
    case .afterFit: try afterFit(learn)
    }
  }
}

/// A callback made of closures, one per event it handles (fastai's `Callback(before_batch=f)`),
/// for small one-off hooks without a subclass.
public final class EventCallback: Callback {
  private let handlers: [Event: (Learner) throws -> Void]
  private let callbackOrder: Int
  private let label: String

  public init(name: String = "EventCallback", order: Int = 0, _ handlers: [Event: (Learner) throws -> Void]) {
    self.handlers = handlers
    callbackOrder = order
    label = name
  }

  public override var order: Int { callbackOrder }
  public override var name: String { label }

  /// Every event goes to its closure, if any.
  public override func on(_ event: Event, _ learn: Learner) throws { try handlers[event]?(learn) }
}
