/// The part of every epoch that one process of a data-parallel run takes (PyTorch's
/// `DistributedSampler`): of each epoch's order (the same on every process), process `rank`
/// takes the items at `rank`, `rank + count`, `rank + 2·count` …
///
/// Training shards are `padded`: the order is extended by its own first items to a multiple of
/// `count`, so that every process runs the same number of steps. Validation shards are not, so
/// that the processes together see every item exactly once.
public struct Shard: Sendable, Equatable {
  public let rank: Int
  public let count: Int
  public let padded: Bool

  public init(rank: Int, count: Int, padded: Bool) {
    precondition(count >= 1 && (0..<count).contains(rank), "Shard: rank \(rank) is outside 0..<\(count)")
    self.rank = rank
    self.count = count
    self.padded = padded
  }

  /// All of it: a single process.
  public static let whole = Shard(rank: 0, count: 1, padded: false)

  /// How many of `total` items this shard takes.
  public func itemCount(of total: Int) -> Int {
    if padded { return (total + count - 1) / count }
    return total > rank ? (total - rank + count - 1) / count : 0
  }

  /// This shard's part of one epoch's `order`.
  public func items(of order: [Int]) -> [Int] {
    guard count > 1, !order.isEmpty else { return order }
    var all = order
    if padded {
      let padding = (count - order.count % count) % count
      all += (0..<padding).map { order[$0 % order.count] }
    }
    return stride(from: rank, to: all.count, by: count).map { all[$0] }
  }
}
