import DescentTensor

/// Children applied in order, named "0", "1", … as PyTorch's `nn.Sequential`.
public final class Sequential: Module {
  public private(set) var layers: [Module]

  public init(_ layers: [Module]) {
    self.layers = layers
    super.init()
  }

  public convenience init(_ layers: Module...) { self.init(layers) }

  public override var children: [(String, Module)] { layers.enumerated().map { (String($0.offset), $0.element) } }

  /// Applies the layers in order; a batch norm followed by a ReLU runs as one fused op (the
  /// same result to the bit, with one pass over the activation fewer each way), and a
  /// convolution followed by a batch norm (and a ReLU) as `Conv2d.forward(_:then:relu:)`, which
  /// folds the batch norm into the convolution in evaluation.
  public override func forward(_ x: Tensor) -> Tensor {
    var x = x, i = 0
    func isReLU(_ j: Int) -> Bool { j < layers.count && layers[j] is ReLU }
    while i < layers.count {
      if let conv = layers[i] as? Conv2d, i + 1 < layers.count, let bn = layers[i + 1] as? BatchNorm {
        x = conv.forward(x, then: bn, relu: isReLU(i + 2))
        i += isReLU(i + 2) ? 3 : 2
      } else if let bn = layers[i] as? BatchNorm, isReLU(i + 1) {
        x = bn.forward(x, relu: true)
        i += 2
      } else {
        x = layers[i](x)
        i += 1
      }
    }
    return x
  }

  public subscript(_ i: Int) -> Module { layers[i] }
  public var count: Int { layers.count }

  /// Layers `range` as a new Sequential sharing the same modules (for cutting a model).
  public func slice(_ range: Range<Int>) -> Sequential { Sequential(Array(layers[range])) }
}
