import DescentTensor
import Foundation

// Prodigy (Mishchenko & Defazio 2024, "Prodigy: An Expeditiously Adaptive Parameter-Free
// Learner"; the update of the `prodigyopt` package): Adam whose step is scaled by d, an
// estimate of the distance from the initial weights to the solution, grown from d0 as the
// gradients show it is larger. Three stages: `ProdigyStats` updates the moments and gathers
// each parameter's ⟨g, p0 − p⟩ and Σ|s|; `ProdigyEstimate` sums them over all parameters into the
// new d; `ProdigyStep` moves p. d and its companions are the package's per-group values; here
// every parameter's state holds the same copy, so a checkpoint carries them.

/// The scalars every Prodigy stage reads: the current d (before this step's estimate), and
/// d·lr·(bias correction), the step size of this step.
struct ProdigyScalars {
  var d = 0.0, d0 = 0.0, dlr = 0.0

  init(_ s: StepContext) {
    d0 = s["d0"]
    d = s.value("d") ?? d0
    let k = s.value("k") ?? 0, beta1 = s["beta1"], beta2 = s["beta2"]
    let bias = s["use_bias_correction"] != 0
      ? (1 - Foundation.pow(beta2, k + 1)).squareRoot() / (1 - Foundation.pow(beta1, k + 1)) : 1
    dlr = d * s["lr"] * bias
  }
}

/// First stage: m ← β1·m + d(1 − β1)·g, v ← β2·v + d²(1 − β2)·g², s ← β3·s + (d/d0)·dlr·g
/// (state `exp_avg`, `exp_avg_sq`, `s`; `p0` is the parameter at the first step), with the sums
/// ⟨g, p0 − p⟩ and Σ|s| left in the state as `prodigy_dot` and `prodigy_s_sum`.
public struct ProdigyStats: Stepper {
  public let lr = Hyper("lr"), beta1 = Hyper("beta1", default: 0.9), beta2 = Hyper("beta2", default: 0.999)
  public let beta3 = Hyper("beta3", default: 0.999.squareRoot()), eps = Hyper("eps", default: 1e-8)
  public let d0 = Hyper("d0", default: 1e-6), dCoef = Hyper("d_coef", default: 1), growthRate = Hyper("growth_rate", default: .infinity)
  public let biasCorrection = Hyper("use_bias_correction", default: 0), safeguardWarmup = Hyper("safeguard_warmup", default: 0)
  public let mScale = Hyper("prodigy_m_scale"), vScale = Hyper("prodigy_v_scale"), sScale = Hyper("prodigy_s_scale")
  public let p0 = State("p0", startsAtParameter: true), avg = State("exp_avg"), sqrAvg = State("exp_avg_sq"), sAvg = State("s")
  public let dot = Sum(), sSum = Sum()
  public init() {}

  public func begin(_ s: StepContext) {
    let c = ProdigyScalars(s)
    s[mScale] = c.d * s[1 - beta1]
    s[vScale] = c.d * c.d * s[1 - beta2]
    s[sScale] = c.d / c.d0 * (s[safeguardWarmup] != 0 ? c.d : c.dlr)
    s.setScalar("prodigy_dlr", c.dlr)
  }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    s[dot] += s.g * (s[p0] - s.p)
    // PyTorch's mul_ then add_ with alpha (a fused multiply-add), and addcmul.
    s[avg] = (s[beta1] * s[avg]).addingProduct(s[mScale], s.g)
    s[sqrAvg] = s[beta2] * s[sqrAvg] + s[vScale] * (s.g * s.g)
    let newS = (s[beta3] * s[sAvg]).addingProduct(s[sScale], s.g)
    s[sAvg] = newS
    // |s| by clearing the sign bit: a select on the sign ran the loop 3× slower.
    s[sSum] += unsafeBitCast(unsafeBitCast(newS, to: SIMD8<UInt32>.self) & 0x7fff_ffff, to: SIMD8<Float>.self)
  }

  public func end(_ s: StepContext) {
    s.setScalar("prodigy_dot", s[dot])
    s.setScalar("prodigy_s_sum", s[sSum])
  }
}

/// Second stage: the new d from every parameter's sums (in Double, as the package's Python
/// floats): d̂ = d_coef·(β3·numerator + Σ (d/d0)·dlr·⟨g, p0 − p⟩) / Σ Σ|s|; d grows to d̂, at most by
/// `growth_rate` a step, and never shrinks. With Σ|s| = 0 the step is skipped, as the package does.
public struct ProdigyEstimate: AllParametersStepper {
  public let lr = Hyper("lr"), d0 = Hyper("d0"), beta3 = Hyper("beta3"), dCoef = Hyper("d_coef"), growthRate = Hyper("growth_rate")
  public init() {}

  public func step(_ items: [StepContext]) {
    guard let first = items.first else { return }
    let start = first[d0], d = first.value("d") ?? start, dMax = first.value("d_max") ?? start, dlr = first["prodigy_dlr"]
    let largestLR = items.map { $0[lr] }.max()!
    var delta = 0.0, denominator = 0.0
    for item in items {
      delta += d / start * dlr * item["prodigy_dot"]
      denominator += item["prodigy_s_sum"]
    }
    let skip = denominator == 0
    var newD = d, newDMax = dMax
    let numerator = (first.value("d_numerator") ?? 0) * first[beta3] + delta
    if !skip && largestLR > 0 {
      let dHat = first[dCoef] * numerator / denominator
      if d == start { newD = Swift.max(d, dHat) }
      newDMax = Swift.max(dMax, dHat)
      newD = Swift.min(newDMax, newD * first[growthRate])
    }
    for item in items {
      item.setScalar("prodigy_skip", skip ? 1 : 0)
      guard !skip else { continue }
      item.setScalar("d_numerator", numerator)
      item.setScalar("d", newD)
      item.setScalar("d_max", newDMax)
      item.setScalar("k", (item.value("k") ?? 0) + 1)
    }
  }
}

/// Third stage: p ← p − dlr·wd·p (decoupled weight decay), then p ← p − dlr·m / (√v + d·eps)
/// with the new d (without momentum, β1 = 0: −dlr·d·g / (√v + d·eps)).
public struct ProdigyStep: Stepper {
  public let decoupled: Bool
  public let beta1 = Hyper("beta1"), wd = Hyper("wd", default: 0), eps = Hyper("eps")
  public let active = Hyper("prodigy_active"), momentum = Hyper("prodigy_momentum")
  public let decay = Hyper("prodigy_decay"), scale = Hyper("prodigy_scale"), dEps = Hyper("prodigy_d_eps")
  public let avg = State("exp_avg"), sqrAvg = State("exp_avg_sq")
  public init(decoupled: Bool = true) { self.decoupled = decoupled }

  public func begin(_ s: StepContext) {
    let active = s.value("prodigy_skip") != 1
    s[self.active] = active ? 1 : 0
    guard active else {
      for h in [decay, momentum, scale, dEps] { s[h] = 0 }
      return
    }
    let dlr = s["prodigy_dlr"], d = s["d"], momentum = s[beta1] > 0
    s[decay] = decoupled && s.doWD ? -s[wd] * dlr : 0
    s[self.momentum] = momentum ? 1 : 0
    s[scale] = momentum ? -dlr : -dlr * d
    s[dEps] = d * s[eps]
  }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    guard s.value(active) == 1 else { return }
    s.p = s.p.addingProduct(s[decay], s.p)
    let denominator = sqrt(s[sqrAvg]) + s[dEps]
    // As addcdiv: p + (value·t1)/t2.
    s.p += s[scale] * (s.value(momentum) == 1 ? s[avg] : s.g) / denominator
  }
}
