/// Lion's step (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"; the update of
/// the `lion-pytorch` package): p ← p − lr · sign(beta1·m + (1 − beta1)·g), then the momentum
/// m ← beta2·m + (1 − beta2)·g, in state `exp_avg`. Every element moves by exactly lr (or 0), so
/// Lion wants an lr several times smaller than Adam's. Weight decay is the decoupled
/// `WeightDecay` before it (p ← p·(1 − lr·wd)), as the package applies it.
public struct LionStep: Stepper {
  public let lr = Hyper("lr"), beta1 = Hyper("beta1", default: 0.9), beta2 = Hyper("beta2", default: 0.99)
  public let avg = State("exp_avg")
  public init() {}

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    let m = s[avg]
    s.p -= s[lr] * sign(s[beta1] * m + s[1 - beta1] * s.g)
    s[avg] = s[beta2] * m + s[1 - beta2] * s.g
  }
}
