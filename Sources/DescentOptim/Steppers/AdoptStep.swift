import Foundation

/// ADOPT's step (Taniguchi et al. 2024, "ADOPT: Modified Adam Can Converge with Any β2"; the
/// update of `pytorch-optimizer`'s `ADOPT`): the gradient is normalized by the second moment of
/// the steps BEFORE it, n = g / max(√v, eps), clipped to ±step^¼, then averaged into the momentum
/// m ← m + (1 − beta1)·(n − m), and p ← p − lr·m; only then v ← beta2·v + (1 − beta2)·g². The first
/// step only sets v = g² and leaves p. Needs `StepStat` before it.
public struct AdoptStep: Stepper {
  public let lr = Hyper("lr"), eps = Hyper("eps", default: 1e-6), step = Hyper("step")
  public let beta1 = Hyper("beta1", default: 0.9), beta2 = Hyper("beta2", default: 0.9999), clip = Hyper("adopt_clip")
  public let avg = State("exp_avg"), sqrAvg = State("exp_avg_sq")
  public init() {}

  public func begin(_ s: StepContext) { s[clip] = Foundation.pow(s[step], 0.25) }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    let v = s[sqrAvg]
    guard s.value(step) != 1 else { return s[sqrAvg] = v + s.g * s.g }
    // Masked selects (`max`, `min`) rather than SIMD's `clamped` or `pointwiseMax`, which run
    // lane by lane here (the step at 12–15 GB/s against Adam's 44–54).
    let n = min(max(s.g / max(sqrt(v), s[eps]), -s[clip]), s[clip])
    let m = s[avg]
    let newM = m + s[1 - beta1] * (n - m)
    s[avg] = newM
    s.p -= s[lr] * newM
    s[sqrAvg] = s[beta2] * v + s[1 - beta2] * (s.g * s.g)  // as addcmul: value · (g·g)
  }
}
