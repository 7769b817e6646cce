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

  public override func forward(_ x: Tensor) -> Tensor { layers.reduce(x) { $1($0) } }

  public subscript(_ i: Int) -> Module { layers[i] }
  public var count: Int { layers.count }

  /// Layers `range` as a new Sequential sharing the same modules (for cutting a model).
  public func slice(_ range: Range<Int>) -> Sequential { Sequential(Array(layers[range])) }
}
