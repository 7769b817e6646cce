import Foundation

/// AdEMAMix's step (Pagliardini et al. 2024, "The AdEMAMix Optimizer: Better, Faster, Older";
/// the update of `pytorch-optimizer`'s `AdEMAMix`): Adam's fast average m (beta1) mixed with a
/// slow one s (beta3, in state `exp_avg_slow`) weighted by alpha:
/// p ← p − lr·(m/(1 − beta1^t) + alpha·s) / (√v/√(1 − beta2^t) + eps). With `t_alpha_beta3` > 0,
/// alpha rises linearly and beta3 along the paper's schedule over that many steps. Needs
/// `StepStat` before it.
public struct AdEMAMixStep: Stepper {
  public let lr = Hyper("lr"), eps = Hyper("eps", default: 1e-8), step = Hyper("step"), alpha = Hyper("alpha", default: 5)
  public let beta1 = Hyper("beta1", default: 0.9), beta2 = Hyper("beta2", default: 0.999), beta3 = Hyper("beta3", default: 0.9999)
  public let warmup = Hyper("t_alpha_beta3", default: 0)
  public let alphaT = Hyper("ademamix_alpha"), beta3T = Hyper("ademamix_beta3")
  public let debias1 = Hyper("ademamix_debias1"), debias2Root = Hyper("ademamix_debias2_root")
  public let avg = State("exp_avg"), sqrAvg = State("exp_avg_sq"), slowAvg = State("exp_avg_slow")
  public init() {}

  public func begin(_ s: StepContext) {
    let step = s[step], beta1 = s[beta1], beta3 = s[beta3], warmup = s[warmup]
    s[alphaT] = s[alpha]
    s[beta3T] = beta3
    if warmup > 0 {
      s[alphaT] = Swift.min(step * s[alpha] / warmup, s[alpha])
      let (l1, l3) = (Foundation.log(beta1), Foundation.log(beta3))
      s[beta3T] = Swift.min(Foundation.exp(l1 * l3 / ((1 - step / warmup) * l3 + (step / warmup) * l1)), beta3)
    }
    s[debias1] = 1 - Foundation.pow(beta1, step)
    s[debias2Root] = (1 - Foundation.pow(s[beta2], step)).squareRoot()
  }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    let m = s[avg], v = s[sqrAvg], slowM = s[slowAvg]
    // Fused multiply-adds where PyTorch's CPU kernels use them (lerp, add with alpha), so that
    // Descent rounds as the reference does.
    let fast = m.addingProduct(s[1 - beta1], s.g - m)
    let sq = s[beta2] * v + s[1 - beta2] * (s.g * s.g)  // as addcmul: value · (g·g)
    let slow = slowM.addingProduct(s[1 - beta3T], s.g - slowM)
    s[avg] = fast
    s[sqrAvg] = sq
    s[slowAvg] = slow
    s.p -= s[lr] * ((fast / s[debias1]).addingProduct(s[alphaT], slow) / (sqrt(sq) / s[debias2Root] + s[eps]))
  }
}
