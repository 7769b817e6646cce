import DescentTensor

/// Batch normalization over axis 1 (PyTorch's `nn.BatchNorm1d` / `nn.BatchNorm2d`): weight 1,
/// bias 0, running mean 0 and variance 1, eps 1e-5, momentum 0.1. In training it normalizes
/// with the batch's statistics and updates the running ones; in eval it uses the running ones.
///
/// PyTorch's `num_batches_tracked` buffer is not kept: it only matters with `momentum=None`.
/// Loading skips it, and PyTorch fills it in when a Descent file lacks it.
public class BatchNorm: Module {
  public let weight: Tensor, bias: Tensor
  public let runningMean: Tensor, runningVar: Tensor
  public let eps: Float, momentum: Float
  let expectedRank: [Int]
  /// Set, training statistics cover every process's batch of a data-parallel run (PyTorch's
  /// `SyncBatchNorm`); `DataParallel.synchronizeBatchNorm` sets it.
  public var sync: CrossProcessSum?

  init(_ features: Int, eps: Float, momentum: Float, ranks: [Int]) {
    weight = Tensor.ones([features], requiresGrad: true)
    bias = Tensor.zeros([features], requiresGrad: true)
    runningMean = Tensor.zeros([features])
    runningVar = Tensor.ones([features])
    (self.eps, self.momentum, expectedRank) = (eps, momentum, ranks)
    super.init()
  }

  public var features: Int { weight.count }

  public override var ownParameters: [(String, Tensor)] { [("weight", weight), ("bias", bias)] }
  public override var ownBuffers: [(String, Tensor)] { [("running_mean", runningMean), ("running_var", runningVar)] }

  public override func forward(_ x: Tensor) -> Tensor { forward(x, relu: false) }

  /// With `relu`, this batch norm and a ReLU after it as one op: the same values and gradients
  /// to the bit as `relu(bn(x))`, in the batch norm's passes over memory alone. With `residual`
  /// too, `bn(x).addReLU(residual)` (a ResNet block's end) the same way.
  public func forward(_ x: Tensor, relu: Bool, residual: Tensor? = nil) -> Tensor {
    precondition(expectedRank.contains(x.rank) && x.shape[1] == features,
                 "\(type(of: self))(\(features)): input must have \(features) channels on axis 1 and rank \(expectedRank.map(String.init).joined(separator: " or ")), not \(x.shape)")
    return x.batchNorm(
      weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar, training: training,
      momentum: momentum, eps: eps, relu: relu, residual: residual, sync: sync)
  }
}

/// Over [N, C] or [N, C, L] input.
public final class BatchNorm1d: BatchNorm {
  public init(_ features: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
    super.init(features, eps: eps, momentum: momentum, ranks: [2, 3])
  }
}

/// Over [N, C, H, W] input.
public final class BatchNorm2d: BatchNorm {
  public init(_ features: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
    super.init(features, eps: eps, momentum: momentum, ranks: [4])
  }
}
