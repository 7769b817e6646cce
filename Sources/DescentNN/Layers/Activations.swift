import DescentTensor

/// max(x, 0) (PyTorch's `nn.ReLU`).
public final class ReLU: Module {
  public override init() { super.init() }
  public override func forward(_ x: Tensor) -> Tensor { x.relu() }
}

/// Keeps the batch axis and merges the rest (PyTorch's `nn.Flatten`).
public final class Flatten: Module {
  public override init() { super.init() }
  public override func forward(_ x: Tensor) -> Tensor { x.flatten(startDim: 1) }
}

/// Inverted dropout with probability `p` in training, the identity in eval (PyTorch's
/// `nn.Dropout`); draws from the process-wide seeded generator.
public final class Dropout: Module {
  public let p: Float

  public init(_ p: Float = 0.5) {
    precondition(p >= 0 && p <= 1, "Dropout: probability \(p) is outside [0, 1]")
    self.p = p
    super.init()
  }

  public override func forward(_ x: Tensor) -> Tensor { x.dropout(p, training: training) }
}
