import DescentData

/// DescentData's loaders feed the Learner directly. Their shuffle and augmentation draws come
/// from (seed, epoch, batch index), as `BatchSource` requires for exact resumption.
extension DataLoader: BatchSource {
  public func batches(epoch: Int) -> BatchIterator {
    let run = self.epoch(epoch)
    return BatchIterator {
      try run.next().map { Batch(x: $0.x, y: $0.y) }
    }
  }

  public func sharded(_ shard: Shard) -> BatchSource { sharded(shard) as DataLoader }
}
