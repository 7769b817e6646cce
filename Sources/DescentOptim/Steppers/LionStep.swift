/// Lion's step (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"; the update of
/// the `lion-pytorch` package): p ← p − lr · sign(beta1·m + (1 − beta1)·g), then the momentum
/// m ← beta2·m + (1 − beta2)·g, in state `exp_avg`. Every element moves by exactly lr (or 0), so
/// Lion wants an lr several times smaller than Adam's. Weight decay is the decoupled
/// `WeightDecay` before it (p ← p·(1 − lr·wd)), as the package applies it.
public struct LionStep: ElementStepper {
  @usableFromInline var lr = SIMD8<Float>(), beta1 = SIMD8<Float>(), damp1 = SIMD8<Float>()
  @usableFromInline var beta2 = SIMD8<Float>(), damp2 = SIMD8<Float>()
  @usableFromInline var m: UnsafeMutablePointer<Float>? = nil
  public init() {}
  public var defaults: Hypers { ["beta1": 0.9, "beta2": 0.99] }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    lr = SIMD8(b["lr"])
    beta1 = SIMD8(b["beta1"])
    damp1 = SIMD8(1 - b["beta1"])
    beta2 = SIMD8(b["beta2"])
    damp2 = SIMD8(1 - b["beta2"])
    m = b.buffer("exp_avg")
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    let avg = SIMD8.load(m!, i)
    let c = beta1 * avg + damp1 * g
    let zero = SIMD8<Float>(repeating: 0)
    let sign = zero.replacing(with: 1, where: c .> zero).replacing(with: -1, where: c .< zero)
    p -= lr * sign
    (beta2 * avg + damp2 * g).store(m!, i)
  }
}
