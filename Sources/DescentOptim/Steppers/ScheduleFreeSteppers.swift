import DescentTensor
import Foundation

// Schedule-Free SGD and AdamW (Defazio et al. 2024, "The Road Less Scheduled"; the updates of the
// `schedulefree` package). The parameters hold y, where gradients are taken; the state holds z,
// the plain SGD/Adam sequence, and x — the average of the z's that the model is evaluated at —
// is not stored: x = (y − (1 − β1)·z)/β1, reached by `ScheduleFree.eval` and left by
// `ScheduleFree.train`. No learning-rate schedule is needed beyond an optional linear warm-up.

/// The averaging weight of one schedule-free step, kept per parameter: `k` (steps so far),
/// `lr_max` and `weight_sum` as the package keeps them per group. Sets `sf_lr` (the warmed-up
/// lr) and `sf_ckp1` (the weight of the new z in the average) for the step after it.
public struct ScheduleFreeStat: Stepper {
  public let lr = Hyper("lr"), warmupSteps = Hyper("warmup_steps", default: 0), r = Hyper("r", default: 0)
  public let weightLRPower = Hyper("weight_lr_power", default: 2)
  public init() {}

  public func begin(_ s: StepContext) {
    precondition(s.value("sf_eval") != 1,
                 "a schedule-free step with the parameters at x: call ScheduleFree.train(optimizer) after ScheduleFree.eval")
    let k = s.value("k") ?? 0, warmup = s[warmupSteps]
    let lr = s[lr] * (k < warmup ? (k + 1) / warmup : 1)
    let lrMax = Swift.max(lr, s.value("lr_max") ?? -1)
    let weight = Foundation.pow(k + 1, s[r]) * Foundation.pow(lrMax, s[weightLRPower])
    let weightSum = (s.value("weight_sum") ?? 0) + weight
    s.setScalar("k", k + 1)
    s.setScalar("lr_max", lrMax)
    s.setScalar("weight_sum", weightSum)
    s.setScalar("sf_lr", lr)
    s.setScalar("sf_ckp1", weightSum == 0 ? 0 : weight / weightSum)
  }
}

/// What the two schedule-free steps share: y moves toward z by ckp1, then along the
/// gradient-like direction d; z takes the plain step. PyTorch's lerp and `add` with alpha are
/// fused multiply-adds, and so are these, so that Descent rounds as the package does.
public struct ScheduleFreeMove {
  public let lr = Hyper("sf_lr"), ckp1 = Hyper("sf_ckp1"), beta1 = Hyper("beta1", default: 0.9), wd = Hyper("wd", default: 0)
  public let yScale = Hyper("sf_y_scale"), decay = Hyper("sf_decay")
  /// z starts at the parameter (the package clones p on the first step).
  public let z = State("z", startsAtParameter: true)
  public init() {}

  func begin(_ s: StepContext) {
    s[yScale] = s[lr] * (s[beta1] * (1 - s[ckp1]) - 1)
    s[decay] = s.doWD ? s[wd] : 0
  }

  /// Moves y (in `s.p`) and z along `d`, the step's direction before weight decay.
  @inlinable @inline(__always)
  func move(_ s: inout Lanes, _ d: SIMD8<Float>) {
    let zv = s[z]
    let direction = s.value(decay) != 0 ? d.addingProduct(s[decay], s.p) : d
    s.p = TorchLerp(s.value(ckp1)).apply(s.p, zv).addingProduct(s[yScale], direction)
    s[z] = zv.addingProduct(-s[lr], direction)
  }
}

/// Schedule-Free SGD's step (`SGDScheduleFree`): the direction is the gradient.
public struct ScheduleFreeSGDStep: Stepper {
  public let move = ScheduleFreeMove()
  public init() {}
  public func begin(_ s: StepContext) { move.begin(s) }
  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    let g = s.g
    move.move(&s, g)
  }
}

/// Schedule-Free AdamW's step (`AdamWScheduleFree`): the direction is the gradient over
/// √(v / (1 − β2^k)) + eps, with v updated first (state `exp_avg_sq`).
public struct ScheduleFreeAdamWStep: Stepper {
  public let move = ScheduleFreeMove()
  public let beta2 = Hyper("beta2", default: 0.999), eps = Hyper("eps", default: 1e-8), debias2 = Hyper("sf_debias2")
  public let sqrAvg = State("exp_avg_sq")
  public init() {}

  public func begin(_ s: StepContext) {
    move.begin(s)
    s[debias2] = 1 - Foundation.pow(s[beta2], s["k"])
  }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    let sq = s[beta2] * s[sqrAvg] + s[1 - beta2] * (s.g * s.g)  // as addcmul: value · (g·g)
    s[sqrAvg] = sq
    let direction = s.g / (sqrt(sq / s[debias2]) + s[eps])
    move.move(&s, direction)
  }
}
