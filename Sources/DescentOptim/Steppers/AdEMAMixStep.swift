import DescentTensor
import Foundation

/// AdEMAMix's step (Pagliardini et al. 2024, "The AdEMAMix Optimizer: Better, Faster, Older";
/// the update of `pytorch-optimizer`'s `AdEMAMix`): Adam's fast average m (beta1) mixed with a
/// slow one s (beta3, in state `exp_avg_slow`) weighted by alpha:
/// p ← p − lr·(m/(1 − beta1^t) + alpha·s) / (√v/√(1 − beta2^t) + eps). With `t_alpha_beta3` > 0,
/// alpha rises linearly and beta3 along the paper's schedule over that many steps. Needs
/// `StepStat` before it.
public struct AdEMAMixStep: ElementStepper {
  @usableFromInline var lr = SIMD8<Float>(), eps = SIMD8<Float>(), alpha = SIMD8<Float>()
  @usableFromInline var damp1 = SIMD8<Float>(), beta2 = SIMD8<Float>(), damp2 = SIMD8<Float>(), damp3 = SIMD8<Float>()
  @usableFromInline var debias1 = SIMD8<Float>(), debias2Root = SIMD8<Float>()
  @usableFromInline var m: UnsafeMutablePointer<Float>? = nil
  @usableFromInline var v: UnsafeMutablePointer<Float>? = nil
  @usableFromInline var s: UnsafeMutablePointer<Float>? = nil
  public init() {}
  public var defaults: Hypers {
    ["beta1": 0.9, "beta2": 0.999, "beta3": 0.9999, "alpha": 5, "eps": 1e-8, "t_alpha_beta3": 0]
  }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    let step = b["step"], beta1 = b["beta1"], beta3 = b["beta3"], warmup = b["t_alpha_beta3"]
    var alphaT = b["alpha"], beta3T = beta3
    if warmup > 0 {
      alphaT = Swift.min(step * alphaT / warmup, alphaT)
      let (l1, l3) = (Foundation.log(beta1), Foundation.log(beta3))
      beta3T = Swift.min(Foundation.exp(l1 * l3 / ((1 - step / warmup) * l3 + (step / warmup) * l1)), beta3)
    }
    lr = SIMD8(b["lr"])
    eps = SIMD8(b["eps"])
    alpha = SIMD8(alphaT)
    damp1 = SIMD8(1 - beta1)
    beta2 = SIMD8(b["beta2"])
    damp2 = SIMD8(1 - b["beta2"])
    damp3 = SIMD8(1 - beta3T)
    debias1 = SIMD8(1 - Foundation.pow(beta1, step))
    debias2Root = SIMD8((1 - Foundation.pow(b["beta2"], step)).squareRoot())
    m = b.buffer("exp_avg")
    v = b.buffer("exp_avg_sq")
    s = b.buffer("exp_avg_slow")
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    let fast = SIMD8.load(m!, i), slow = SIMD8.load(s!, i)
    // Fused multiply-adds where PyTorch's CPU kernels use them (lerp, add with alpha), so that
    // Descent rounds as the reference does.
    let newFast = fast.addingProduct(damp1, g - fast)
    let newSq = beta2 * SIMD8.load(v!, i) + damp2 * (g * g)  // as addcmul: value · (g·g)
    let newSlow = slow.addingProduct(damp3, g - slow)
    newFast.store(m!, i)
    newSq.store(v!, i)
    newSlow.store(s!, i)
    let denominator = newSq.vectorSquareRoot() / debias2Root + eps
    p -= lr * ((newFast / debias1).addingProduct(alpha, newSlow) / denominator)
  }
}
