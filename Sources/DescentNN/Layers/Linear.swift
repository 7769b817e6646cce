import DescentTensor

/// y = x·Wᵀ + b (PyTorch's `nn.Linear`), weight [out, in]. Initialized as PyTorch: weight and
/// bias uniform in ±1/√in (kaiming-uniform with a = √5).
public final class Linear: Module {
  public let weight: Tensor
  public let bias: Tensor?

  public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, using generator: inout RandomGenerator) {
    let bound = 1 / Float(inFeatures).squareRoot()
    weight = Tensor.uniform([outFeatures, inFeatures], low: -bound, high: bound, using: &generator)
    weight.requiresGrad = true
    self.bias = bias ? Tensor.uniform([outFeatures], low: -bound, high: bound, using: &generator) : nil
    self.bias?.requiresGrad = true
    super.init()
  }

  public convenience init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
    var g = Random.split()
    self.init(inFeatures, outFeatures, bias: bias, using: &g)
  }

  public override var ownParameters: [(String, Tensor)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  public override func forward(_ x: Tensor) -> Tensor {
    precondition(x.rank == 2 && x.shape[1] == weight.shape[1],
                 "Linear(\(weight.shape[1]), \(weight.shape[0])): input must be [batch, \(weight.shape[1])], not \(x.shape)")
    let y = x.matmul(weight.transpose(0, 1))
    FLOPCounter.add(2 * y.count * weight.shape[1])
    return bias.map { y + $0 } ?? y
  }
}
