import DescentTensor

/// LARC/LARS's layer-wise learning rate (fastai's `larc_layer_lr`), computed from ‖p‖ and ‖g‖
/// after the steppers before it: local_lr = lr·trust_coeff·‖p‖ / (‖g‖ + ‖p‖·wd + eps), clipped
/// at lr for LARC. The norms accumulate in the fused loop; the result lands in state `local_lr`
/// for `LarcStep`, which must run in a later stage.
public struct LarcLayerLR: Stepper {
  public let clip: Bool
  public let lr = Hyper("lr"), trustCoeff = Hyper("trust_coeff", default: 0.02), wd = Hyper("wd", default: 0)
  public let eps = Hyper("eps", default: 1e-8)
  public let pSquares = Sum(), gSquares = Sum()
  public init(clip: Bool = true) { self.clip = clip }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    s[pSquares] += s.p * s.p
    s[gSquares] += s.g * s.g
  }

  public func end(_ s: StepContext) {
    let lr = s[lr], pNorm = s[pSquares].squareRoot(), gNorm = s[gSquares].squareRoot()
    let local = lr * s[trustCoeff] * pNorm / (gNorm + pNorm * s[wd] + s[eps])
    s.setScalar("local_lr", clip ? Swift.min(lr, local) : local)
  }
}

/// p ← p − local_lr · (grad_avg, or g without momentum) (fastai's `larc_step`).
public struct LarcStep: Stepper {
  public let localLR = Hyper("local_lr"), avg = State("grad_avg", optional: true)
  public init() {}
  @inlinable @inline(__always) public func step(_ s: inout Lanes) { s.p -= s[localLR] * (s.has(avg) ? s[avg] : s.g) }
}

/// The Adam-like direction LAMB scales: (grad_avg/debias1) / (√(sqr_avg/debias2) + eps).
public struct LambDirection {
  public let mom = Hyper("mom"), sqrMom = Hyper("sqr_mom"), eps = Hyper("eps"), step = Hyper("step")
  public let invDebias1 = Hyper("lamb_inv_debias1"), invDebias2 = Hyper("lamb_inv_debias2")
  public let avg = State("grad_avg"), sqrAvg = State("sqr_avg")
  public init() {}

  func begin(_ s: StepContext) {
    let d = s.adamDebias(mom: mom, sqrMom: sqrMom, step: step)
    s[invDebias1] = 1 / d.first
    s[invDebias2] = 1 / d.second
  }

  @inlinable @inline(__always) func at(_ s: Lanes) -> SIMD8<Float> {
    (s[avg] * s[invDebias1]) / (sqrt(s[sqrAvg] * s[invDebias2]) + s[eps])
  }
}

/// LAMB's trust ratio (first half of fastai's `lamb_step`): r1 = rms(p), r2 = rms(step),
/// q = min(r1/r2, 10) (1 when either is 0), into state `lamb_trust` for `LambStep`.
public struct LambTrustRatio: Stepper {
  public let direction = LambDirection(), pSquares = Sum(), stepSquares = Sum()
  public init() {}

  public func begin(_ s: StepContext) { direction.begin(s) }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    let d = direction.at(s)
    s[pSquares] += s.p * s.p
    s[stepSquares] += d * d
  }

  public func end(_ s: StepContext) {
    let n = Double(s.count)
    let r1 = (s[pSquares] / n).squareRoot(), r2 = (s[stepSquares] / n).squareRoot()
    s.setScalar("lamb_trust", r1 == 0 || r2 == 0 ? 1 : Swift.min(r1 / r2, 10))
  }
}

/// p ← p − lr · q · step (second half of fastai's `lamb_step`, after `LambTrustRatio`).
public struct LambStep: Stepper {
  public let direction = LambDirection(), lr = Hyper("lr"), trust = Hyper("lamb_trust"), scale = Hyper("lamb_scale")
  public init() {}

  public func begin(_ s: StepContext) {
    direction.begin(s)
    s[scale] = -s[lr] * s[trust]
  }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) { s.p += s[scale] * direction.at(s) }
}
