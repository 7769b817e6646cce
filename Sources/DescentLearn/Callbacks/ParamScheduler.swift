import DescentOptim

/// Sets hyper-parameters from schedules before every training batch (fastai's
/// `ParamScheduler`), at the fraction of the fit done. Each name maps to one schedule for all
/// groups or one per parameter group.
public class ParamScheduler: Callback {
  public let schedules: [String: [Schedule]]
  /// The values set, per name, for the last group, batch by batch.
  public private(set) var history: [String: [Double]] = [:]

  public init(_ schedules: [String: [Schedule]]) {
    precondition(schedules.values.allSatisfy { !$0.isEmpty }, "ParamScheduler: a hyper-parameter has no schedule")
    self.schedules = schedules
  }

  public override var order: Int { 60 }
  public override var runValid: Bool { false }

  public override func beforeFit(_ learn: Learner) throws {
    history = schedules.mapValues { _ in [] }
  }

  public override func beforeBatch(_ learn: Learner) throws { apply(at: learn.pctTrain, learn) }

  /// Sets every scheduled hyper-parameter to its value at `pos`.
  func apply(at pos: Double, _ learn: Learner) {
    guard let opt = learn.optimizer else { return }
    for (name, scheds) in schedules {
      let values = scheds.map { $0(pos) }
      opt.setScheduledHyper(name, values.count == 1 ? .all(values[0]) : .perGroup(values))
    }
  }

  public override func afterBatch(_ learn: Learner) throws {
    guard let last = learn.optimizer?.hypers.last else { return }
    for name in schedules.keys { history[name, default: []].append(Double(last[name] ?? .nan)) }
  }
}
