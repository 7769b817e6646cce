import DescentData
import DescentDistributed
import DescentNN
import DescentOptim
import DescentTensor
import Foundation
import Testing
@testable import DescentLearn

/// Data-parallel training against one process at the global batch, for a model without batch
/// norm. scripts/test.sh runs this suite under `mpirun -np 2` (the test binary itself, one
/// process per rank), where each process computes the one-process reference itself and then
/// trains its shard with `DataParallel`: the weights must agree within 1e-5 of their largest
/// magnitude, and the validation loss and accuracy must be those of the whole validation set.
/// In a plain `swift test` (a world of one) the same test checks that `DataParallel` changes
/// nothing at all.
@Suite struct DataParallelTests {
  static let perProcessBatch = 4

  /// 48 training items (12 steps of 4 per process at 2 processes), 11 validation items.
  static func data(batch: Int) -> (train: BatchSource, valid: BatchSource) {
    let (xt, yt) = Toy.points(48, offset: 0.1)
    let (xv, yv) = Toy.points(11, offset: 5.3)
    return (InMemoryBatches(x: xt, y: yt, batchSize: batch, shuffle: true, dropLast: true, seed: 3),
            InMemoryBatches(x: xv, y: yv, batchSize: 4))
  }

  static func learner(batch: Int, callbacks: [Callback]) -> Learner {
    let learn = Learner(data: data(batch: batch), model: Toy.model(seed: 5), optimizerFactory: { SGD($0, lr: 0.1, mom: 0.9) },
                        metrics: [AvgMetric.accuracy()], callbacks: callbacks, progress: false)
    learn.logger = nil
    return learn
  }

  @Test func sameWeightsAsOneProcessAtTheGlobalBatch() throws {
    let world = Communicator.world
    let reference = Self.learner(batch: Self.perProcessBatch * world.size, callbacks: [])
    try reference.fit(2, lr: 0.1)
    let parallel = Self.learner(batch: Self.perProcessBatch, callbacks: [DataParallel(world)])
    try parallel.fit(2, lr: 0.1)

    let expected = Toy.weights(reference.model), got = Toy.weights(parallel.model)
    let scale = expected.joined().map(abs).max()!
    let worst = zip(got.joined(), expected.joined()).map { abs($0 - $1) }.max()!
    #expect(worst <= 1e-5 * scale, "rank \(world.rank) of \(world.size): weights differ by \(worst) (scale \(scale))")
    if world.size == 1 { #expect(got == expected) }
    // The smoothed training loss of global batches, and validation over the whole set.
    for column in ["train_loss", "valid_loss", "accuracy"] {
      let a = reference.recorder.value(column, row: 1)!, b = parallel.recorder.value(column, row: 1)!
      #expect(abs(a - b) <= 1e-5 * abs(a), "\(column): \(b) against one process's \(a)")
    }
    // After the fit the learner has its whole data again: 12 batches of 4.
    #expect(parallel.data.train.count == 12)
  }
}
