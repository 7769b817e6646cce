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
public struct ScheduleFreeStat: ElementStepper {
  public init() {}
  public var defaults: Hypers { ["warmup_steps": 0, "r": 0, "weight_lr_power": 2] }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    precondition(b.value("sf_eval") != 1,
                 "a schedule-free step with the parameters at x: call ScheduleFree.train(optimizer) after ScheduleFree.eval")
    let k = b.value("k") ?? 0, warmup = b["warmup_steps"]
    let lr = b["lr"] * (k < warmup ? (k + 1) / warmup : 1)
    let lrMax = Swift.max(lr, b.value("lr_max") ?? -1)
    let weight = Foundation.pow(k + 1, b["r"]) * Foundation.pow(lrMax, b["weight_lr_power"])
    let weightSum = (b.value("weight_sum") ?? 0) + weight
    b.setScalar("k", k + 1)
    b.setScalar("lr_max", lrMax)
    b.setScalar("weight_sum", weightSum)
    b.setScalar("sf_lr", lr)
    b.setScalar("sf_ckp1", weightSum == 0 ? 0 : weight / weightSum)
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {}
}

/// What the two schedule-free steps share: y moves toward z by ckp1, then along the
/// gradient-like direction d; z takes the plain step. PyTorch's lerp and `add` with alpha are
/// fused multiply-adds, and so are these, so that Descent rounds as the package does.
@usableFromInline
struct ScheduleFreeMove {
  @usableFromInline var lerp = TorchLerp(weight: 0)
  @usableFromInline var yScale = SIMD8<Float>(), zScale = SIMD8<Float>(), wd = SIMD8<Float>()
  @usableFromInline var decays = false
  @usableFromInline var z: UnsafeMutablePointer<Float>? = nil

  @inlinable init() {}

  @inlinable mutating func prepare(_ b: inout ElementBinding) {
    let lr = b["sf_lr"], ckp1 = b["sf_ckp1"], beta1 = b["beta1"]
    lerp = TorchLerp(weight: ckp1)
    yScale = SIMD8(lr * (beta1 * (1 - ckp1) - 1))
    zScale = SIMD8(-lr)
    let decay = b.doWD ? b["wd"] : 0
    decays = decay != 0
    wd = SIMD8(decay)
    // z starts at the parameter (the package clones p on the first step).
    z = b.bufferStartingAtParameter("z")
  }

  /// Moves y (in `p`) and z along `d`, the step's direction before weight decay.
  @inlinable @inline(__always)
  func move(_ i: Int, _ p: inout SIMD8<Float>, _ d: SIMD8<Float>) {
    let zv = SIMD8.load(z!, i)
    let direction = decays ? d.addingProduct(wd, p) : d
    p = lerp.apply(p, zv).addingProduct(yScale, direction)
    zv.addingProduct(zScale, direction).store(z!, i)
  }
}

/// Schedule-Free SGD's step (`SGDScheduleFree`): the direction is the gradient.
public struct ScheduleFreeSGDStep: ElementStepper {
  @usableFromInline var move = ScheduleFreeMove()
  public init() {}
  public var defaults: Hypers { ["beta1": 0.9, "wd": 0] }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) { move.prepare(&b) }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    move.move(i, &p, g)
  }
}

/// Schedule-Free AdamW's step (`AdamWScheduleFree`): the direction is the gradient over
/// √(v / (1 − β2^k)) + eps, with v updated first (state `exp_avg_sq`).
public struct ScheduleFreeAdamWStep: ElementStepper {
  @usableFromInline var move = ScheduleFreeMove()
  @usableFromInline var beta2 = SIMD8<Float>(), damp2 = SIMD8<Float>(), debias2 = SIMD8<Float>(), eps = SIMD8<Float>()
  @usableFromInline var v: UnsafeMutablePointer<Float>? = nil
  public init() {}
  public var defaults: Hypers { ["beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "wd": 0] }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    move.prepare(&b)
    let beta2 = b["beta2"]
    self.beta2 = SIMD8(beta2)
    damp2 = SIMD8(1 - beta2)
    debias2 = SIMD8(1 - Foundation.pow(beta2, b["k"]))
    eps = SIMD8(b["eps"])
    v = b.buffer("exp_avg_sq")
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    let sq = beta2 * SIMD8.load(v!, i) + damp2 * (g * g)  // as addcmul: value · (g·g)
    sq.store(v!, i)
    move.move(i, &p, g / ((sq / debias2).vectorSquareRoot() + eps))
  }
}
