import DescentData
import DescentTensor

/// Batches cut from tensors held in memory, shuffled per epoch from `seed` and the epoch
/// number (so a resumed run repeats an uninterrupted one's order).
public struct InMemoryBatches: BatchSource {
  public let x: Tensor
  public let y: [Int]
  public let batchSize: Int
  public let shuffle: Bool
  public let dropLast: Bool
  public let seed: UInt64
  /// The part of each epoch this process takes in a data-parallel run.
  public let shard: Shard

  public init(x: Tensor, y: [Int], batchSize: Int, shuffle: Bool = false, dropLast: Bool = false, seed: UInt64 = 0,
              shard: Shard = .whole) {
    precondition(x.rank >= 1 && x.shape[0] == y.count, "InMemoryBatches: \(y.count) targets for inputs of shape \(x.shape)")
    precondition(batchSize >= 1, "InMemoryBatches: batch size must be at least 1, not \(batchSize)")
    self.x = x
    self.y = y
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.dropLast = dropLast
    self.seed = seed
    self.shard = shard
  }

  public var count: Int {
    let n = shard.itemCount(of: y.count)
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize
  }

  public func sharded(_ shard: Shard) -> BatchSource {
    InMemoryBatches(x: x, y: y, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, seed: seed, shard: shard)
  }

  /// The item order of `epoch` (this shard's part of it).
  public func order(epoch: Int) -> [Int] {
    var order = Array(0..<y.count)
    if shuffle {
      var g = RandomGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
      order.shuffle(using: &g)
    }
    return shard.items(of: order)
  }

  public func batches(epoch: Int) -> BatchIterator {
    let order = order(epoch: epoch)
    let rowSize = x.count / max(y.count, 1)
    let itemShape = Array(x.shape.dropFirst())
    var b = 0
    let total = count
    return BatchIterator {
      guard b < total else { return nil }
      let rows = order[(b * batchSize)..<min((b + 1) * batchSize, order.count)]
      b += 1
      let xb = Tensor(uninitializedShape: [rows.count] + itemShape)
      for (k, i) in rows.enumerated() {
        (xb.pointer + k * rowSize).update(from: x.pointer + i * rowSize, count: rowSize)
      }
      return Batch(x: xb, y: rows.map { y[$0] })
    }
  }
}
