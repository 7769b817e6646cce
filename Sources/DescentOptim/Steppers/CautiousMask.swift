/// Cautious masking (Liang et al. 2024, "Cautious Optimizers: Improving Training with One Line
/// of Code"), appended to any chain: the chain's update u (the step after decoupled weight
/// decay, `p − acc.base`) is zeroed where it does not point against the gradient, and what is
/// kept is scaled by numel / (kept + 1), the paper's and pytorch-optimizer's rescale, so that
/// the step's size is preserved on average. The rescale needs the whole parameter's count, so
/// the loop holds the update back and applies it in a second pass (`defersUpdate`).
///
///     .fused { WeightDecay(); AverageGrad(dampening: true); AverageSqrGrad(); StepStat(); AdamStep(); CautiousMask() }
public struct CautiousMask: ElementStepper {
  public init() {}
  public var defersUpdate: Bool { true }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {}

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    let u = p - acc.base
    let zero = SIMD8<Float>(repeating: 0)
    // p moves by u: it descends where u·g < 0 (the reference's update·grad > 0 for p −= lr·update).
    let agrees = (u * g) .< zero
    p = zero.replacing(with: u, where: agrees)
    acc.a += zero.replacing(with: 1, where: agrees)
  }

  @inlinable
  public func deferredScale(_ a: Float, _ b: Float, count: Int) -> Float { Float(Double(count) / (Double(a) + 1)) }
}
