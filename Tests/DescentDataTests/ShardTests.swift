@testable import DescentData
import DescentTensor
import Foundation
import Testing

/// Data-parallel shards: PyTorch's DistributedSampler (padded training, exact validation), and
/// the batches of 2 shards at batch b are those of 1 process at batch 2b, transformed alike.
struct ShardTests {
  @Test func paddedShardsHaveEqualLengthAndCoverEveryItem() {
    let order = [7, 3, 9, 0, 4]
    let shards = (0..<3).map { Shard(rank: $0, count: 3, padded: true) }
    #expect(shards.map { $0.items(of: order) } == [[7, 0], [3, 4], [9, 7]])  // padded with the first item
    #expect(shards.map { $0.itemCount(of: 5) } == [2, 2, 2])
  }

  @Test func unpaddedShardsSeeEveryItemExactlyOnce() {
    let order = Array(0..<5)
    let shards = (0..<2).map { Shard(rank: $0, count: 2, padded: false) }
    #expect(shards.map { $0.items(of: order) } == [[0, 2, 4], [1, 3]])
    #expect(shards.map { $0.itemCount(of: 5) } == [3, 2])
    #expect(Shard(rank: 3, count: 4, padded: false).itemCount(of: 2) == 0)
    #expect(Shard.whole.items(of: order) == order)
  }

  @Test func twoShardsAtHalfTheBatchAreOneProcessAtTheWholeBatch() throws {
    let root = try TestImages.folder()
    try TestImages.imageFolder(at: root, perClass: 8)
    let folder = try ImageFolder(root)
    let augment = AugTransforms(size: 5, minScale: 0.5, normalize: .imagenet)
    func loader(_ bs: Int) -> DataLoader {
      DataLoader(folder.train, batchSize: bs, shuffle: true, dropLast: true, training: true, resize: Resize(6),
                 augment: augment, seed: 3, workers: 2)
    }
    let whole = try collectBatches(loader(4).epoch(1))
    let halves = try (0..<2).map { r in try collectBatches(loader(2).sharded(Shard(rank: r, count: 2, padded: true)).epoch(1)) }
    #expect(halves[0].count == whole.count && halves[1].count == whole.count)
    let plane = 3 * 5 * 5
    for (k, batch) in whole.enumerated() {
      // Items 0, 2 of the whole batch are rank 0's, items 1, 3 rank 1's: same files, same pixels.
      for i in 0..<4 {
        let part = halves[i % 2][k]
        #expect(part.files[i / 2] == batch.files[i])
        #expect(Array(part.x.scalars[(i / 2 * plane)..<((i / 2 + 1) * plane)]) == Array(batch.x.scalars[(i * plane)..<((i + 1) * plane)]))
      }
    }
  }

  private func collectBatches(_ epoch: Epoch) throws -> [Batch] {
    var batches: [Batch] = []
    try epoch.forEach { batches.append($0) }
    return batches
  }
}
