import DescentTensor
import Foundation

/// ADOPT's step (Taniguchi et al. 2024, "ADOPT: Modified Adam Can Converge with Any β2"; the
/// update of `pytorch-optimizer`'s `ADOPT`): the gradient is normalized by the second moment of
/// the steps BEFORE it, n = g / max(√v, eps), clipped to ±step^¼, then averaged into the momentum
/// m ← m + (1 − beta1)·(n − m), and p ← p − lr·m; only then v ← beta2·v + (1 − beta2)·g². The first
/// step only sets v = g² and leaves p. Needs `StepStat` before it.
public struct AdoptStep: ElementStepper {
  @usableFromInline var first = true
  @usableFromInline var lr = SIMD8<Float>(), eps = SIMD8<Float>(), clip = SIMD8<Float>()
  @usableFromInline var damp1 = SIMD8<Float>(), beta2 = SIMD8<Float>(), damp2 = SIMD8<Float>()
  @usableFromInline var m: UnsafeMutablePointer<Float>? = nil
  @usableFromInline var v: UnsafeMutablePointer<Float>? = nil
  public init() {}
  public var defaults: Hypers { ["beta1": 0.9, "beta2": 0.9999, "eps": 1e-6] }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    let step = b["step"]
    first = step == 1
    lr = SIMD8(b["lr"])
    eps = SIMD8(b["eps"])
    clip = SIMD8(Foundation.pow(step, 0.25))
    damp1 = SIMD8(1 - b["beta1"])
    beta2 = SIMD8(b["beta2"])
    damp2 = SIMD8(1 - b["beta2"])
    m = b.buffer("exp_avg")
    v = b.buffer("exp_avg_sq")
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    let sq = SIMD8.load(v!, i)
    guard !first else {
      (sq + g * g).store(v!, i)
      return
    }
    // Masked selects rather than SIMD's `clamped` or `pointwiseMax`, which run lane by lane
    // here (the step at 12–15 GB/s against Adam's 44–54).
    let root = sq.vectorSquareRoot()
    let raw = g / root.replacing(with: eps, where: root .< eps)
    let n = raw.replacing(with: -clip, where: raw .< -clip).replacing(with: clip, where: raw .> clip)
    let avg = SIMD8.load(m!, i)
    let newAvg = avg + damp1 * (n - avg)
    newAvg.store(m!, i)
    p -= lr * newAvg
    (beta2 * sq + damp2 * (g * g)).store(v!, i)  // as addcmul: value · (g·g)
  }
}
