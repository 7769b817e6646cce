import DescentTensor

/// 2-D convolution over NCHW input (PyTorch's `nn.Conv2d`), weight [out, in/groups, kh, kw].
/// Initialized as PyTorch: weight and bias uniform in ±1/√fanIn (kaiming-uniform with a = √5).
public final class Conv2d: Module {
  public let weight: Tensor
  public let bias: Tensor?
  public let stride: Size2, padding: Size2, dilation: Size2, groups: Int

  public init(
    _ inChannels: Int, _ outChannels: Int, kernelSize: Size2, stride: Size2 = 1, padding: Size2 = 0,
    dilation: Size2 = 1, groups: Int = 1, bias: Bool = true
  ) {
    precondition(inChannels % groups == 0 && outChannels % groups == 0,
                 "Conv2d: \(inChannels) in and \(outChannels) out channels do not divide into \(groups) groups")
    let shape = [outChannels, inChannels / groups, kernelSize.h, kernelSize.w]
    let bound = 1 / Float(Tensor.fans(shape).fanIn).squareRoot()
    weight = Tensor.uniform(shape, low: -bound, high: bound)
    weight.requiresGrad = true
    self.bias = bias ? Tensor.uniform([outChannels], low: -bound, high: bound) : nil
    self.bias?.requiresGrad = true
    (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
    super.init()
  }

  public var inChannels: Int { weight.shape[1] * groups }
  public var outChannels: Int { weight.shape[0] }

  public override var ownParameters: [(String, Tensor)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  public override func forward(_ x: Tensor) -> Tensor { convolve(x, weight, bias) }

  /// This convolution, then `bn`, then a ReLU when `relu` — after adding `residual`, when given
  /// (a ResNet block's end: the batch norm, the sum and the ReLU run as one op in training).
  /// In training, exactly those layers.
  /// In evaluation the batch norm is an affine map with fixed coefficients, folded into the
  /// convolution's weight and bias as inference engines do — w·γ/√(var+ε) per output channel,
  /// (b − mean)·γ/√(var+ε) + β — so the activation gets no batch-norm pass (outputs differ from
  /// the two layers' by float rounding). The fold is made of recorded tensor ops: gradients
  /// (fine-tuning in eval mode) flow as through the two layers.
  public func forward(_ x: Tensor, then bn: BatchNorm, relu: Bool = false, residual: Tensor? = nil) -> Tensor {
    guard !bn.training, bn.features == outChannels else { return bn.forward(self(x), relu: relu, residual: residual) }
    let scale = bn.weight / (bn.runningVar + bn.eps).sqrt()
    let foldedWeight = weight * scale.reshape([outChannels, 1, 1, 1])
    let foldedBias = ((bias ?? Tensor.zeros([outChannels])) - bn.runningMean) * scale + bn.bias
    let y = convolve(x, foldedWeight, foldedBias)
    if let residual { return relu ? y.addReLU(residual) : y + residual }
    return relu ? y.relu() : y
  }

  private func convolve(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?) -> Tensor {
    precondition(x.rank == 4 && x.shape[1] == inChannels,
                 "Conv2d(\(inChannels), \(outChannels)): input must be [N, \(inChannels), H, W], not \(x.shape)")
    let y = x.conv2d(weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    FLOPCounter.add(2 * y.count * weight.count / outChannels)
    return y
  }
}
