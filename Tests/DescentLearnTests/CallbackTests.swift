import DescentTensor
import Testing
@testable import DescentLearn

/// Records every event it sees, with the phase's batch index.
final class EventLog: Callback {
  var events: [String] = []
  let callbackOrder: Int
  let valid: Bool
  init(order: Int = 0, runValid: Bool = true) {
    callbackOrder = order
    valid = runValid
  }
  override var order: Int { callbackOrder }
  override var runValid: Bool { valid }
  override func on(_ event: Event, _ learn: Learner) throws { events.append(event.rawValue) }
}

@Suite struct CallbackTests {
  static let trainBatch = ["before_batch", "after_pred", "after_loss", "before_backward", "after_backward",
                           "before_step", "after_step", "after_batch"]
  static let validBatch = ["before_batch", "after_pred", "after_loss", "after_batch"]

  /// One epoch over 4 training and 3 validation batches, in fastai's order.
  @Test func eventsInFastaiOrder() throws {
    let log = EventLog()
    let learn = Toy.learner(callbacks: [log])
    try learn.fit(1)
    let expected = ["before_fit", "before_epoch", "before_train"]
      + Array([[String]](repeating: Self.trainBatch, count: 4).joined())
      + ["after_train", "before_validate"]
      + Array([[String]](repeating: Self.validBatch, count: 3).joined())
      + ["after_validate", "after_epoch", "after_fit"]
    #expect(log.events == expected)
  }

  @Test func sortedByOrderAndRunValid() throws {
    var seen: [String] = []
    let late = EventCallback(name: "late", order: 5, [.beforeFit: { _ in seen.append("late") }])
    let early = EventCallback(name: "early", order: -20, [.beforeFit: { _ in seen.append("early") }])
    let trainOnly = EventLog(runValid: false)
    let learn = Toy.learner(callbacks: [late, early, trainOnly])
    try learn.fit(1)
    #expect(seen == ["early", "late"])
    // No batch events during validation, but the validation's own events still come.
    #expect(trainOnly.events.filter { $0 == "after_pred" }.count == 4)
    #expect(trainOnly.events.contains("before_validate"))
  }

  /// Each cancel signal skips to its part's after_cancel and after events.
  @Test func cancellation() throws {
    // Batch: cancelled after the prediction of the first training batch; no backward. (The
    // logs run before the cancelling callbacks, which stop the rest of their event.)
    let log = EventLog(order: -1)
    let cancelBatch = EventCallback(order: 0, [.afterPred: { l in if l.training && l.iteration == 0 { throw CancelSignal.batch } }])
    try Toy.learner(callbacks: [cancelBatch, log]).fit(1)
    #expect(Array(log.events[3..<7]) == ["before_batch", "after_pred", "after_cancel_batch", "after_batch"])
    #expect(log.events.filter { $0 == "before_backward" }.count == 3)

    // Step: the weights do not move.
    let learn = Toy.learner(callbacks: [EventCallback([.beforeStep: { _ in throw CancelSignal.step }])])
    let before = Toy.weights(learn.model)
    try learn.fit(1)
    #expect(Toy.weights(learn.model) == before)

    // Train: the rest of the training pass is skipped, validation still runs.
    let log2 = EventLog(order: -1)
    let cancelTrain = EventCallback([.beforeBatch: { l in if l.training && l.iteration == 1 { throw CancelSignal.train } }])
    try Toy.learner(callbacks: [cancelTrain, log2]).fit(1)
    #expect(log2.events.filter { $0 == "after_step" }.count == 1)
    #expect(log2.events.contains("after_cancel_train"))
    #expect(log2.events.filter { $0 == "after_pred" }.count == 1 + 3)

    // Validate, epoch and fit.
    let log3 = EventLog(order: -1)
    let cancelValid = EventCallback([.beforeValidate: { _ in throw CancelSignal.validate }])
    try Toy.learner(callbacks: [cancelValid, log3]).fit(1)
    #expect(Array(log3.events.suffix(6)) == ["after_train", "before_validate", "after_cancel_validate", "after_validate", "after_epoch", "after_fit"])

    let log4 = EventLog(order: -1)
    let cancelEpoch = EventCallback([.afterTrain: { l in if l.epoch == 0 { throw CancelSignal.epoch } }])
    try Toy.learner(callbacks: [cancelEpoch, log4]).fit(2)
    #expect(log4.events.filter { $0 == "before_validate" }.count == 1)
    #expect(log4.events.filter { $0 == "after_cancel_epoch" }.count == 1)

    let log5 = EventLog(order: -1)
    let cancelFit = EventCallback([.afterEpoch: { _ in throw CancelSignal.fit }])
    try Toy.learner(callbacks: [cancelFit, log5]).fit(3)
    #expect(log5.events.filter { $0 == "before_epoch" }.count == 1)
    #expect(Array(log5.events.suffix(3)) == ["after_epoch", "after_cancel_fit", "after_fit"])
  }
}
