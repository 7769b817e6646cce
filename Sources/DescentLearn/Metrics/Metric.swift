import Foundation
import DescentTensor

/// A value computed over an epoch's batches (fastai's `Metric`): reset before the pass,
/// accumulated after each batch, read at the end. Classes, as the Learner keeps them across
/// the events of a pass.
public protocol Metric: AnyObject {
  /// The column name in the results table.
  var name: String { get }
  func reset()
  func accumulate(_ learn: Learner)
  /// The value, or nil when nothing was accumulated.
  var value: Double? { get }
}

/// The mean of a per-batch function, weighted by batch size (fastai's `AvgMetric`), so that a
/// short last batch counts for what it holds.
public final class AvgMetric: SummableMetric {
  public let name: String
  private let function: (Tensor, [Int]) -> Double
  private var total = 0.0
  private var count = 0

  public init(_ name: String, _ function: @escaping (_ pred: Tensor, _ targets: [Int]) -> Double) {
    self.name = name
    self.function = function
  }

  public func reset() {
    total = 0
    count = 0
  }

  public func accumulate(_ learn: Learner) {
    guard let pred = learn.pred, !learn.yb.isEmpty else { return }
    total += function(pred, learn.yb) * Double(learn.yb.count)
    count += learn.yb.count
  }

  public var value: Double? { count == 0 ? nil : total / Double(count) }

  public var sums: [Double] {
    get { [total, Double(count)] }
    set { (total, count) = (newValue[0], Int(newValue[1])) }
  }

  /// The fraction of items whose highest score is their class (fastai's `accuracy`).
  public static func accuracy() -> AvgMetric { AvgMetric("accuracy", DescentLearn.accuracy) }
  /// 1 − accuracy (fastai's `error_rate`).
  public static func errorRate() -> AvgMetric { AvgMetric("error_rate", DescentLearn.errorRate) }
}

/// The batch-size-weighted mean of the loss (fastai's `AvgLoss`): the valid_loss column.
public final class AvgLoss: SummableMetric {
  private var total = 0.0
  private var count = 0
  public init() {}
  public var name: String { "loss" }
  public func reset() {
    total = 0
    count = 0
  }
  public func accumulate(_ learn: Learner) {
    total += Double(learn.lossValue) * Double(learn.yb.count)
    count += learn.yb.count
  }
  public var value: Double? { count == 0 ? nil : total / Double(count) }

  public var sums: [Double] {
    get { [total, Double(count)] }
    set { (total, count) = (newValue[0], Int(newValue[1])) }
  }
}

/// An exponential moving average of the loss with bias correction (fastai's
/// `AvgSmoothLoss`): the train_loss column and the LR finder's curve. Kept in Float, and
/// updated the way torch's `lerp` does, so that the LR finder's curve matches fastai's.
public final class AvgSmoothLoss: Metric {
  public let beta: Float
  public private(set) var count = 0
  private var average: Float = 0

  public init(beta: Float = 0.98) { self.beta = beta }
  public var name: String { "smooth_loss" }
  public func reset() {
    count = 0
    average = 0
  }
  public func accumulate(_ learn: Learner) { add(learn.lossValue) }

  /// The running average and its count, as a checkpoint keeps them (the average's bits).
  public var state: (count: Int, average: Float) { (count, average) }
  public func restore(count: Int, average: Float) {
    self.count = count
    self.average = average
  }

  /// average ← lerp(loss, average, beta), computed as torch's CPU lerp does (fused
  /// multiply-add, from the nearer end), which keeps the curve bit-identical to fastai's.
  public func add(_ loss: Float) {
    count += 1
    average = beta < 0.5 ? loss.addingProduct(beta, average - loss) : average.addingProduct(-(average - loss), 1 - beta)
  }

  public var value: Double? {
    count == 0 ? nil : Double(average / Float(1 - Foundation.pow(Double(beta), Double(count))))
  }
}

/// The fraction of rows of `pred` [N, C] whose argmax is the target.
public func accuracy(_ pred: Tensor, _ targets: [Int]) -> Double {
  precondition(pred.rank == 2 && pred.shape[0] == targets.count, "accuracy: predictions \(pred.shape) for \(targets.count) targets")
  let classes = pred.shape[1]
  var correct = 0
  for (i, t) in targets.enumerated() {
    let row = pred.pointer + i * classes
    var best = 0
    for j in 1..<classes where row[j] > row[best] { best = j }
    if best == t { correct += 1 }
  }
  return targets.isEmpty ? 0 : Double(correct) / Double(targets.count)
}

/// 1 − accuracy.
public func errorRate(_ pred: Tensor, _ targets: [Int]) -> Double { 1 - accuracy(pred, targets) }
