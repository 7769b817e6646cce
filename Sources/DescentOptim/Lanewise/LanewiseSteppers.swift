import DescentTensor
import Foundation

/// fastai's and the newer optimizers' steppers in the `Stepper` form, beside the
/// `ElementStepper` ones they will replace once `descent bench optim` shows them at parity
/// (`new_form_*` keys). The math and its rounding are the same: the tests check both forms
/// bit for bit.
public enum Lanewise {
  /// Weight decay: decoupled (fastai's `weight_decay`, p ← p·(1 − lr·wd)) or as L2
  /// regularization (fastai's `l2_reg`, g ← g + wd·p, stored back as fastai changes `p.grad`),
  /// where the parameter's `doWD` flag is set.
  public struct WeightDecay: Stepper {
    public let decoupled: Bool
    public let lr = Hyper("lr"), wd = Hyper("wd", default: 0), factor = Hyper("weight_decay_factor")
    public init(decoupled: Bool = true) { self.decoupled = decoupled }
    public var writesGradient: Bool { !decoupled }

    public func begin(_ s: StepContext) {
      let wd = s.doWD ? s[wd] : 0
      s[factor] = decoupled ? (wd != 0 ? 1 - s[lr] * wd : 1) : wd
    }

    @inlinable @inline(__always) public func step(_ s: inout Lanes) {
      if decoupled { s.p *= s[factor] } else { s.g += s[factor] * s.p }
    }
  }

  /// m ← mom·m + damp·g in `grad_avg`, damp = 1 − mom with dampening, else 1 (fastai's `average_grad`).
  public struct AverageGrad: Stepper {
    public let dampening: Bool
    public let mom = Hyper("mom", default: 0.9), avg = State("grad_avg")
    public init(dampening: Bool = false) { self.dampening = dampening }

    @inlinable @inline(__always) public func step(_ s: inout Lanes) {
      s[avg] = s[avg] * s[mom] + (dampening ? s[1 - mom] : SIMD8(repeating: 1)) * s.g
    }
  }

  /// v ← sqr_mom·v + damp·g² in `sqr_avg`, damp = 1 − sqr_mom with dampening (the default),
  /// else 1 (fastai's `average_sqr_grad`).
  public struct AverageSqrGrad: Stepper {
    public let dampening: Bool
    public let sqrMom = Hyper("sqr_mom", default: 0.99), sqrAvg = State("sqr_avg")
    public init(dampening: Bool = true) { self.dampening = dampening }

    @inlinable @inline(__always) public func step(_ s: inout Lanes) {
      s[sqrAvg] = s[sqrAvg] * s[sqrMom] + (dampening ? s[1 - sqrMom] : SIMD8(repeating: 1)) * s.g * s.g
    }
  }

  /// Counts the parameter's steps in state `step` (fastai's `step_stat`).
  public struct StepStat: Stepper {
    public init() {}
    public func begin(_ s: StepContext) { s.setScalar("step", (s.state.scalars["step"] ?? 0) + 1) }
  }

  /// p ← p − lr·grad_avg (fastai's `momentum_step`).
  public struct MomentumStep: Stepper {
    public let lr = Hyper("lr"), avg = State("grad_avg")
    public init() {}
    @inlinable @inline(__always) public func step(_ s: inout Lanes) { s.p -= s[lr] * s[avg] }
  }

  /// p ← p − lr/debias1 · grad_avg / (√(sqr_avg/debias2) + eps) (fastai's `adam_step`).
  public struct AdamStep: Stepper {
    public let lr = Hyper("lr"), mom = Hyper("mom"), sqrMom = Hyper("sqr_mom"), eps = Hyper("eps"), step = Hyper("step")
    public let avg = State("grad_avg"), sqrAvg = State("sqr_avg")
    public let scale = Hyper("adam_scale"), invDebias2 = Hyper("adam_inv_debias2")
    public init() {}

    public func begin(_ s: StepContext) {
      s[scale] = -s[lr] / debias(s[mom], s[1 - mom], s[step])
      s[invDebias2] = 1 / debias(s[sqrMom], s[1 - sqrMom], s[step])
    }

    @inlinable @inline(__always) public func step(_ s: inout Lanes) {
      s.p += s[scale] * (s[avg] / (sqrt(s[sqrAvg] * s[invDebias2]) + s[eps]))
    }
  }

  /// Lion's step (`lion-pytorch`): p ← p − lr·sign(beta1·m + (1 − beta1)·g), then
  /// m ← beta2·m + (1 − beta2)·g in `exp_avg`.
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

  /// ADOPT's step (`pytorch-optimizer`): n = clamp(g / max(√v, eps), ±step^¼),
  /// m ← m + (1 − beta1)·(n − m), p ← p − lr·m, then v ← beta2·v + (1 − beta2)·g²; the first
  /// step only sets v = g². Needs `StepStat` before it.
  public struct AdoptStep: Stepper {
    public let lr = Hyper("lr"), eps = Hyper("eps", default: 1e-6), step = Hyper("step")
    public let beta1 = Hyper("beta1", default: 0.9), beta2 = Hyper("beta2", default: 0.9999), clip = Hyper("adopt_clip")
    public let avg = State("exp_avg"), sqrAvg = State("exp_avg_sq")
    public init() {}

    public func begin(_ s: StepContext) { s[clip] = Foundation.pow(s[step], 0.25) }

    @inlinable @inline(__always) public func step(_ s: inout Lanes) {
      let v = s[sqrAvg]
      guard s.value(step) != 1 else { return s[sqrAvg] = v + s.g * s.g }
      let n = min(max(s.g / max(sqrt(v), s[eps]), -s[clip]), s[clip])
      let m = s[avg]
      let newM = m + s[1 - beta1] * (n - m)
      s[avg] = newM
      s.p -= s[lr] * newM
      s[sqrAvg] = s[beta2] * v + s[1 - beta2] * (s.g * s.g)
    }
  }

  /// AdEMAMix's step (`pytorch-optimizer`): Adam's fast average mixed with a slow one (beta3,
  /// in `exp_avg_slow`) weighted by alpha, both warmed up over `t_alpha_beta3` steps when > 0.
  /// Needs `StepStat` before it.
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
      // Fused multiply-adds where PyTorch's CPU kernels use them (lerp, add with alpha).
      let m = s[avg], v = s[sqrAvg], slowM = s[slowAvg]
      let fast = m.addingProduct(s[1 - beta1], s.g - m)
      let sq = s[beta2] * v + s[1 - beta2] * (s.g * s.g)
      let slow = slowM.addingProduct(s[1 - beta3T], s.g - slowM)
      s[avg] = fast
      s[sqrAvg] = sq
      s[slowAvg] = slow
      s.p -= s[lr] * ((fast / s[debias1]).addingProduct(s[alphaT], slow) / (sqrt(sq) / s[debias2Root] + s[eps]))
    }
  }
}
