import DescentTensor
import Foundation

extension StepContext {
  /// fastai's bias corrections of Adam's two averages at this parameter's `step`.
  func adamDebias(mom: Hyper, sqrMom: Hyper, step: Hyper) -> (first: Double, second: Double) {
    (debias(self[mom], self[1 - mom], self[step]), debias(self[sqrMom], self[1 - sqrMom], self[step]))
  }
}

/// p ← p − lr/debias1 · grad_avg / (√(sqr_avg/debias2) + eps) (fastai's `adam_step`).
public struct AdamStep: Stepper {
  public let lr = Hyper("lr"), mom = Hyper("mom"), sqrMom = Hyper("sqr_mom"), eps = Hyper("eps"), step = Hyper("step")
  public let avg = State("grad_avg"), sqrAvg = State("sqr_avg")
  public let scale = Hyper("adam_scale"), invDebias2 = Hyper("adam_inv_debias2")
  public init() {}

  public func begin(_ s: StepContext) {
    let d = s.adamDebias(mom: mom, sqrMom: sqrMom, step: step)
    s[scale] = -s[lr] / d.first
    s[invDebias2] = 1 / d.second
  }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    s.p += s[scale] * (s[avg] / (sqrt(s[sqrAvg] * s[invDebias2]) + s[eps]))
  }
}

/// RAdam's rectified step (fastai's `radam_step`): Adam's step scaled by the rectification term
/// once the variance is tractable (r > 5), else momentum SGD on the debiased average; with
/// `beta` ≠ 0 the denominator goes through softplus (SAdam).
public struct RAdamStep: Stepper {
  public let lr = Hyper("lr"), mom = Hyper("mom"), sqrMom = Hyper("sqr_mom"), eps = Hyper("eps"), step = Hyper("step")
  public let beta = Hyper("beta", default: 0)
  public let avg = State("grad_avg"), sqrAvg = State("sqr_avg")
  public let scale = Hyper("radam_scale"), invDebias2 = Hyper("radam_inv_debias2"), rectified = Hyper("radam_rectified")
  public init() {}

  public func begin(_ s: StepContext) {
    let d = s.adamDebias(mom: mom, sqrMom: sqrMom, step: step)
    let step = s[step], sqrMom = s[sqrMom]
    let rInf = 2 / (1 - sqrMom) - 1
    let r = rInf - 2 * step * Foundation.pow(sqrMom, step) / (1 - Foundation.pow(sqrMom, step))
    s[rectified] = r > 5 ? 1 : 0
    let rect = r > 5 ? (((r - 4) * (r - 2) * rInf) / ((rInf - 4) * (rInf - 2) * r)).squareRoot() : 1
    s[scale] = r > 5 ? -s[lr] * rect / d.first : -s[lr] / d.first
    s[invDebias2] = 1 / d.second
  }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    let m = s[avg]
    guard s.value(rectified) == 1 else { return s.p += s[scale] * m }
    var denominator = sqrt(s[sqrAvg] * s[invDebias2]) + s[eps]
    let beta = s.value(beta)
    if beta != 0 {
      // softplus(x, beta) = log(1 + e^(beta·x)) / beta, the identity above beta·x > 20.
      for l in 0..<8 {
        let bx = beta * denominator[l]
        denominator[l] = bx > 20 ? denominator[l] : Foundation.log1p(Foundation.exp(bx)) / beta
      }
    }
    s.p += s[scale] * (m / denominator)
  }
}

/// QHAdam's step (fastai's `qhadam_step`): quasi-hyperbolic mixes of the raw and averaged
/// gradient (nu_1) and squared gradient (nu_2).
public struct QHAdamStep: Stepper {
  public let lr = Hyper("lr"), mom = Hyper("mom"), sqrMom = Hyper("sqr_mom"), eps = Hyper("eps"), step = Hyper("step")
  public let nu1 = Hyper("nu_1", default: 0.7), nu2 = Hyper("nu_2", default: 1.0)
  public let avg = State("grad_avg"), sqrAvg = State("sqr_avg")
  public let invDebias1 = Hyper("qhadam_inv_debias1"), invDebias2 = Hyper("qhadam_inv_debias2")
  public init() {}

  public func begin(_ s: StepContext) {
    let d = s.adamDebias(mom: mom, sqrMom: sqrMom, step: step)
    s[invDebias1] = 1 / d.first
    s[invDebias2] = 1 / d.second
  }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    let one = SIMD8<Float>(repeating: 1)
    let numerator = (one - s[nu1]) * s.g + s[nu1] * (s[avg] * s[invDebias1])
    let denominator = sqrt((one - s[nu2]) * s.g * s.g + s[nu2] * (s[sqrAvg] * s[invDebias2])) + s[eps]
    s.p -= s[lr] * (numerator / denominator)
  }
}
