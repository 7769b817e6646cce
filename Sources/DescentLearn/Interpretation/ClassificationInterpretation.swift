import DescentData
import DescentNN
import DescentTensor
import Foundation

/// fastai's `ClassificationInterpretation`: a model's predictions over a loader (the
/// validation set, in eval mode, without augmentation), with each item's loss, the confusion
/// matrix and the items it got most wrong.
public struct ClassificationInterpretation: Sendable {
  public struct Item: Sendable {
    public var file: String
    public var actual: Int
    public var predicted: Int
    /// Cross-entropy of the item: −log p(actual).
    public var loss: Float
    /// p(predicted) and p(actual).
    public var predictedProbability: Float
    public var actualProbability: Float
  }

  public let classes: [String]
  public let items: [Item]

  public init(model: Module, loader: DataLoader, classes: [String]) throws {
    self.classes = classes
    let wasTraining = model.training
    model.eval()
    defer { model.train(wasTraining) }
    var items: [Item] = []
    try loader.epoch(0).forEach { batch in
      let logProbabilities = noGrad { model(batch.x).logSoftmax(axis: 1) }
      let c = logProbabilities.shape[1]
      let values = logProbabilities.scalars
      for i in 0..<batch.count {
        let row = values[(i * c)..<((i + 1) * c)]
        let predicted = row.indices.max { row[$0] < row[$1] }! - i * c
        let actual = batch.y[i]
        items.append(
          Item(
            file: i < batch.files.count ? batch.files[i] : "", actual: actual, predicted: predicted,
            loss: -row[i * c + actual], predictedProbability: Foundation.exp(row[i * c + predicted]),
            actualProbability: Foundation.exp(row[i * c + actual])))
      }
    }
    self.items = items
  }

  /// counts[actual][predicted].
  public var confusionMatrix: [[Int]] {
    var counts = Array(repeating: Array(repeating: 0, count: classes.count), count: classes.count)
    for item in items { counts[item.actual][item.predicted] += 1 }
    return counts
  }

  public var accuracy: Double {
    items.isEmpty ? 0 : Double(items.filter { $0.actual == $0.predicted }.count) / Double(items.count)
  }

  /// The `k` items with the highest loss, highest first.
  public func topLosses(_ k: Int) -> [Item] {
    Array(items.sorted { $0.loss > $1.loss }.prefix(k))
  }

  /// fastai's `most_confused`: (actual, predicted, count) for off-diagonal cells with at least
  /// `minimum` items, most frequent first.
  public func mostConfused(minimum: Int = 1) -> [(actual: String, predicted: String, count: Int)] {
    let m = confusionMatrix
    var pairs: [(String, String, Int)] = []
    for a in classes.indices {
      for p in classes.indices where a != p && m[a][p] >= minimum { pairs.append((classes[a], classes[p], m[a][p])) }
    }
    return pairs.sorted { $0.2 > $1.2 }
  }
}
