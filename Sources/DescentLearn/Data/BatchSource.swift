import DescentData
import DescentTensor

/// One batch: inputs (batch axis first) and a class index per item.
public struct Batch {
  public var x: Tensor
  public var y: [Int]

  public init(x: Tensor, y: [Int]) {
    precondition(x.rank >= 1 && x.shape[0] == y.count, "Batch: \(y.count) targets for inputs of shape \(x.shape)")
    self.x = x
    self.y = y
  }

  /// Items in the batch, the weight of its loss in the validation mean.
  public var size: Int { y.count }
}

/// What the Learner trains and validates on: one epoch's batches at a time. DescentData's
/// loaders conform to it; `InMemoryBatches` is a small one for tests and toy problems.
public protocol BatchSource {
  /// Batches in one epoch (for progress, the schedules' step size and the LR finder).
  var count: Int { get }

  /// The batches of epoch `epoch` (counted from 0), in order. A source that shuffles or
  /// augments must derive its randomness from its own seed and `epoch` alone, so that a run
  /// resumed at epoch k sees exactly the batches that the uninterrupted run saw.
  func batches(epoch: Int) -> BatchIterator

  /// The same batches' source, taking only `shard` of each epoch (for `DataParallel`).
  func sharded(_ shard: Shard) -> BatchSource
}

/// One epoch's batches, each built on demand; `next()` throws what loading a batch threw (a
/// corrupt image, say), and returns nil after the last batch.
public struct BatchIterator {
  let nextBatch: () throws -> Batch?

  public init(_ next: @escaping () throws -> Batch?) { nextBatch = next }

  public func next() throws -> Batch? { try nextBatch() }
}
