import DescentNN
import DescentOptim
import DescentTensor
import Foundation
@testable import DescentLearn

/// A toy two-class problem small enough for debug builds: 2 features, the class is whether
/// x0 + x1 > 0, with a deterministic spread of points.
enum Toy {
  static func points(_ n: Int, offset: Double) -> (Tensor, [Int]) {
    var xs: [Float] = [], ys: [Int] = []
    for i in 0..<n {
      let a = Float(sin(1.3 * Double(i) + offset)), b = Float(cos(0.7 * Double(i) + 2 * offset))
      xs += [a, b]
      ys.append(a + b > 0 ? 1 : 0)
    }
    return (Tensor(xs, shape: [n, 2]), ys)
  }

  /// 32 training items in batches of 8 (shuffled per epoch), 10 validation items in batches
  /// of 4 (so the last batch is short).
  static func data(seed: UInt64 = 7) -> (train: BatchSource, valid: BatchSource) {
    let (xt, yt) = points(32, offset: 0.1)
    let (xv, yv) = points(10, offset: 5.3)
    return (InMemoryBatches(x: xt, y: yt, batchSize: 8, shuffle: true, seed: seed),
            InMemoryBatches(x: xv, y: yv, batchSize: 4))
  }

  static func model(seed: UInt64 = 1) -> Module {
    var g = RandomGenerator(seed: seed)
    return Sequential(Linear(2, 4, using: &g), ReLU(), Linear(4, 2, using: &g))
  }

  static func learner(seed: UInt64 = 1, directory: String = NSTemporaryDirectory(), metrics: [Metric] = [],
                      callbacks: [Callback] = [], lossFunc: ((Tensor, [Int]) -> Tensor)? = nil) -> Learner {
    let learn = Learner(data: data(), model: model(seed: seed), lossFunc: lossFunc ?? { $0.crossEntropy($1) },
                        optimizerFactory: { Adam($0, lr: 1e-3) }, metrics: metrics, callbacks: callbacks,
                        modelDirectory: directory, progress: false)
    learn.logger = nil
    return learn
  }

  static func weights(_ m: Module) -> [[Float]] { m.namedState().map { $0.1.scalars } }

  static func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "descent-learn-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}
