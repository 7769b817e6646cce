import DescentOptim
import DescentTensor

/// Trains with a learning rate growing exponentially from `startLR` to `endLR` over `numIt`
/// batches (fastai's `LRFinder`), stopping early once the smoothed loss passes 4× its best, and
/// puts the model and optimizer back as they were at the end.
final class LRFinder: ParamScheduler {
  let numIt: Int
  let stopDiv: Bool
  private var bestLoss = Double.infinity
  private var snapshot: LearnerSnapshot?

  init(startLR: [Double], endLR: [Double], numIt: Int, stopDiv: Bool) {
    precondition(startLR.count == endLR.count, "LR finder: \(startLR.count) start rates for \(endLR.count) end rates")
    // Fewer than 6 points leave nothing once the curve is trimmed.
    self.numIt = max(numIt, 6)
    self.stopDiv = stopDiv
    super.init(["lr": zip(startLR, endLR).map { Schedule.exponential($0, $1) }])
  }

  override func beforeFit(_ learn: Learner) throws {
    try super.beforeFit(learn)
    snapshot = LearnerSnapshot(learn)
    bestLoss = .infinity
  }

  override func beforeBatch(_ learn: Learner) throws {
    apply(at: Double(learn.trainIteration) / Double(numIt), learn)
  }

  override func afterBatch(_ learn: Learner) throws {
    try super.afterBatch(learn)
    let smooth = learn.smoothLoss
    if smooth < bestLoss { bestLoss = smooth }
    if stopDiv && smooth > 4 * bestLoss { throw CancelSignal.fit }
    if learn.trainIteration >= numIt { throw CancelSignal.fit }
  }

  override func beforeValidate(_ learn: Learner) throws { throw CancelSignal.validate }

  override func afterFit(_ learn: Learner) throws {
    learn.optimizer?.zeroGrad()
    try restore(learn)
  }

  /// Puts back the model and optimizer saved at the start (also called when training failed).
  func restore(_ learn: Learner) throws {
    guard let s = snapshot else { return }
    snapshot = nil
    try s.restore(learn)
  }
}

/// Copies of a model's state and its optimizer's state dict, held in memory.
struct LearnerSnapshot {
  let model: [(String, Tensor)]
  let optimizer: (tensors: [String: Tensor], metadata: [String: String])?

  init(_ learn: Learner) {
    model = learn.model.namedState().map { ($0.0, $0.1.copy()) }
    optimizer = learn.optimizer.map { opt in
      let dict = opt.stateDict()
      return (dict.tensors.mapValues { $0.copy() }, dict.metadata)
    }
  }

  func restore(_ learn: Learner) throws {
    noGrad {
      for ((_, live), (_, saved)) in zip(learn.model.namedState(), model) { live.copy_(saved) }
    }
    if let optimizer, let opt = learn.optimizer {
      try opt.loadStateDict(optimizer.tensors, metadata: optimizer.metadata, file: "(LR finder snapshot)")
    }
  }
}
