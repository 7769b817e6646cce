/// Cautious masking (Liang et al. 2024, "Cautious Optimizers: Improving Training with One Line
/// of Code"), appended to any chain: the chain's update u (the step after decoupled weight
/// decay, `s.p − s.base`) is zeroed where it does not point against the gradient, and what is
/// kept is scaled by numel / (kept + 1), the paper's and pytorch-optimizer's rescale, so that
/// the step's size is preserved on average. The rescale needs the whole parameter's count, so
/// the loop holds the update back and applies it in a second pass (`defersUpdate`).
///
///     .fused { WeightDecay(); AverageGrad(dampening: true); AverageSqrGrad(); StepStat(); AdamStep(); CautiousMask() }
public struct CautiousMask: Stepper {
  public let kept = Sum()
  public init() {}
  public var defersUpdate: Bool { true }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    let u = s.p - s.base
    let zero = SIMD8<Float>(repeating: 0)
    // p moves by u: it descends where u·g < 0 (the reference's update·grad > 0 for p −= lr·update).
    let agrees = (u * s.g) .< zero
    s.p = zero.replacing(with: u, where: agrees)
    s[kept] += zero.replacing(with: 1, where: agrees)
  }

  public func deferredScale(_ s: StepContext) -> Double { Double(s.count) / (s[kept] + 1) }
}
