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
@usableFromInline
struct ProdigyScalars {
  @usableFromInline var d = 0.0, d0 = 0.0, dlr = 0.0

  @inlinable init(_ b: ElementBinding) {
    d0 = b["d0"]
    d = b.value("d") ?? d0
    let k = b.value("k") ?? 0, beta1 = b["beta1"], beta2 = b["beta2"]
    let bias = b["use_bias_correction"] != 0
      ? (1 - Foundation.pow(beta2, k + 1)).squareRoot() / (1 - Foundation.pow(beta1, k + 1)) : 1
    dlr = d * b["lr"] * bias
  }
}

/// First stage: m ← β1·m + d(1 − β1)·g, v ← β2·v + d²(1 − β2)·g², s ← β3·s + (d/d0)·dlr·g
/// (state `exp_avg`, `exp_avg_sq`, `s`; `p0` is the parameter at the first step), with the sums
/// ⟨g, p0 − p⟩ and Σ|s| left in the state as `prodigy_dot` and `prodigy_s_sum`.
public struct ProdigyStats: ElementStepper {
  @usableFromInline var beta1 = SIMD8<Float>(), mScale = SIMD8<Float>(), beta2 = SIMD8<Float>(), vScale = SIMD8<Float>()
  @usableFromInline var beta3 = SIMD8<Float>(), sScale = SIMD8<Float>()
  @usableFromInline var m: UnsafeMutablePointer<Float>? = nil
  @usableFromInline var v: UnsafeMutablePointer<Float>? = nil
  @usableFromInline var s: UnsafeMutablePointer<Float>? = nil
  @usableFromInline var p0: UnsafeMutablePointer<Float>? = nil
  public init() {}
  public var reduces: Bool { true }
  public var defaults: Hypers {
    ["beta1": 0.9, "beta2": 0.999, "beta3": 0.999.squareRoot(), "eps": 1e-8, "d0": 1e-6, "d_coef": 1,
     "growth_rate": .infinity, "use_bias_correction": 0, "safeguard_warmup": 0]
  }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    let c = ProdigyScalars(b)
    let b1 = b["beta1"], b2 = b["beta2"]
    beta1 = SIMD8(b1)
    mScale = SIMD8(c.d * (1 - b1))
    beta2 = SIMD8(b2)
    vScale = SIMD8(c.d * c.d * (1 - b2))
    beta3 = SIMD8(b["beta3"])
    sScale = SIMD8(c.d / c.d0 * (b["safeguard_warmup"] != 0 ? c.d : c.dlr))
    b.setScalar("prodigy_dlr", c.dlr)
    p0 = b.bufferStartingAtParameter("p0")
    m = b.buffer("exp_avg")
    v = b.buffer("exp_avg_sq")
    s = b.buffer("s")
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    acc.a += g * (SIMD8.load(p0!, i) - p)
    // PyTorch's mul_ then add_ with alpha (a fused multiply-add), and addcmul.
    (beta1 * SIMD8.load(m!, i)).addingProduct(mScale, g).store(m!, i)
    (beta2 * SIMD8.load(v!, i) + vScale * (g * g)).store(v!, i)
    let newS = (beta3 * SIMD8.load(s!, i)).addingProduct(sScale, g)
    newS.store(s!, i)
    // |s| by clearing the sign bit: a select on the sign ran the loop 3× slower.
    acc.b += unsafeBitCast(unsafeBitCast(newS, to: SIMD8<UInt32>.self) & 0x7fff_ffff, to: SIMD8<Float>.self)
  }

  public func finish(_ a: Float, _ b: Float, _ binding: inout ElementBinding) {
    binding.setScalar("prodigy_dot", Double(a))
    binding.setScalar("prodigy_s_sum", Double(b))
  }
}

/// Second stage: the new d from every parameter's sums (in Double, as the package's Python
/// floats): d̂ = d_coef·(β3·numerator + Σ (d/d0)·dlr·⟨g, p0 − p⟩) / Σ Σ|s|; d grows to d̂, at most by
/// `growth_rate` a step, and never shrinks. With Σ|s| = 0 the step is skipped, as the package does.
extension GlobalStepper {
  public static var prodigyEstimate: GlobalStepper {
    GlobalStepper("prodigy_estimate") { items in
      guard let first = items.first?.state.scalars else { return }
      let hypers = items[0].hypers
      let d0 = hypers["d0"]!, d = first["d"] ?? d0, dMax = first["d_max"] ?? d0, dlr = first["prodigy_dlr"]!
      let lr = items.map { $0.hypers["lr"]! }.max()!
      var delta = 0.0, denominator = 0.0
      for item in items {
        delta += d / d0 * dlr * item.state.scalars["prodigy_dot"]!
        denominator += item.state.scalars["prodigy_s_sum"]!
      }
      let skip = denominator == 0
      var newD = d, newDMax = dMax
      let numerator = (first["d_numerator"] ?? 0) * hypers["beta3"]! + delta
      if !skip && lr > 0 {
        let dHat = hypers["d_coef"]! * numerator / denominator
        if d == d0 { newD = Swift.max(d, dHat) }
        newDMax = Swift.max(dMax, dHat)
        newD = Swift.min(newDMax, newD * hypers["growth_rate"]!)
      }
      for item in items {
        item.state.scalars["prodigy_skip"] = skip ? 1 : 0
        guard !skip else { continue }
        item.state.scalars["d_numerator"] = numerator
        item.state.scalars["d"] = newD
        item.state.scalars["d_max"] = newDMax
        item.state.scalars["k"] = (item.state.scalars["k"] ?? 0) + 1
      }
    }
  }
}

/// Third stage: p ← p − dlr·wd·p (decoupled weight decay), then p ← p − dlr·m / (√v + d·eps)
/// with the new d (without momentum, β1 = 0: −dlr·d·g / (√v + d·eps)).
public struct ProdigyStep: ElementStepper {
  public let decoupled: Bool
  @usableFromInline var active = false, momentum = true
  @usableFromInline var decay = SIMD8<Float>(), scale = SIMD8<Float>(), dEps = SIMD8<Float>()
  @usableFromInline var m: UnsafeMutablePointer<Float>? = nil
  @usableFromInline var v: UnsafeMutablePointer<Float>? = nil
  public init(decoupled: Bool = true) { self.decoupled = decoupled }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    active = b.value("prodigy_skip") != 1
    guard active else { return }
    let dlr = b["prodigy_dlr"], d = b["d"]
    decay = SIMD8(decoupled && b.doWD ? -b["wd"] * dlr : 0)
    momentum = b["beta1"] > 0
    scale = SIMD8(momentum ? -dlr : -dlr * d)
    dEps = SIMD8(d * b["eps"])
    m = momentum ? b.buffer("exp_avg") : nil
    v = b.buffer("exp_avg_sq")
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    guard active else { return }
    p = p.addingProduct(decay, p)
    let denominator = SIMD8.load(v!, i).vectorSquareRoot() + dEps
    // As addcdiv: p + (value·t1)/t2.
    p += scale * (momentum ? SIMD8.load(m!, i) : g) / denominator
  }
}
