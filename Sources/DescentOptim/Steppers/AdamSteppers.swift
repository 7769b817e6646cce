import DescentTensor
import Foundation

/// The debias terms of Adam-family steps, from the state's `step` and the group's moms.
@usableFromInline
struct AdamDebias {
  @usableFromInline var debias1: Double = 1, debias2: Double = 1

  @inlinable init(_ b: ElementBinding) {
    let step = b["step"], mom = b["mom"], sqrMom = b["sqr_mom"]
    debias1 = debias(mom, 1 - mom, step)
    debias2 = debias(sqrMom, 1 - sqrMom, step)
  }
}

/// p ← p − lr/debias1 · grad_avg / (√(sqr_avg/debias2) + eps) (fastai's `adam_step`).
public struct AdamStep: ElementStepper {
  @usableFromInline var scale = SIMD8<Float>(), invDebias2 = SIMD8<Float>(), eps = SIMD8<Float>()
  @usableFromInline var m: UnsafeMutablePointer<Float>? = nil
  @usableFromInline var v: UnsafeMutablePointer<Float>? = nil
  public init() {}

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    let d = AdamDebias(b)
    scale = SIMD8(-b["lr"] / d.debias1)
    invDebias2 = SIMD8(1 / d.debias2)
    eps = SIMD8(b["eps"])
    m = b.buffer("grad_avg")
    v = b.buffer("sqr_avg")
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    let denom = (SIMD8.load(v!, i) * invDebias2).vectorSquareRoot() + eps
    p += scale * (SIMD8.load(m!, i) / denom)
  }
}

/// RAdam's rectified step (fastai's `radam_step`): Adam's step scaled by the rectification term
/// once the variance is tractable (r > 5), else momentum SGD on the debiased average; with
/// `beta` ≠ 0 the denominator goes through softplus (SAdam).
public struct RAdamStep: ElementStepper {
  @usableFromInline var rectified = false, useBeta = false
  @usableFromInline var scale = SIMD8<Float>(), invDebias2 = SIMD8<Float>(), eps = SIMD8<Float>()
  @usableFromInline var beta: Float = 0
  @usableFromInline var m: UnsafeMutablePointer<Float>? = nil
  @usableFromInline var v: UnsafeMutablePointer<Float>? = nil
  public init() {}
  public var defaults: Hypers { ["beta": 0] }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    let d = AdamDebias(b)
    let lr = b["lr"], step = b["step"], sqrMom = b["sqr_mom"]
    let rInf = 2 / (1 - sqrMom) - 1
    let r = rInf - 2 * step * Foundation.pow(sqrMom, step) / (1 - Foundation.pow(sqrMom, step))
    rectified = r > 5
    if rectified {
      let rect = (((r - 4) * (r - 2) * rInf) / ((rInf - 4) * (rInf - 2) * r)).squareRoot()
      scale = SIMD8(-lr * rect / d.debias1)
    } else {
      scale = SIMD8(-lr / d.debias1)
    }
    invDebias2 = SIMD8(1 / d.debias2)
    eps = SIMD8(b["eps"])
    beta = Float(b["beta"])
    useBeta = beta != 0
    m = b.buffer("grad_avg")
    v = b.buffer("sqr_avg")
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    let avg = SIMD8.load(m!, i)
    guard rectified else {
      p += scale * avg
      return
    }
    var denom = (SIMD8.load(v!, i) * invDebias2).vectorSquareRoot() + eps
    if useBeta {
      // softplus(x, beta) = log(1 + e^(beta·x)) / beta, the identity above beta·x > 20.
      for l in 0..<8 {
        let bx = beta * denom[l]
        denom[l] = bx > 20 ? denom[l] : Foundation.log1p(Foundation.exp(bx)) / beta
      }
    }
    p += scale * (avg / denom)
  }
}

/// QHAdam's step (fastai's `qhadam_step`): quasi-hyperbolic mixes of the raw and averaged
/// gradient (nu_1) and squared gradient (nu_2).
public struct QHAdamStep: ElementStepper {
  @usableFromInline var lr = SIMD8<Float>(), eps = SIMD8<Float>()
  @usableFromInline var nu1 = SIMD8<Float>(), nu2 = SIMD8<Float>()
  @usableFromInline var invDebias1 = SIMD8<Float>(), invDebias2 = SIMD8<Float>()
  @usableFromInline var m: UnsafeMutablePointer<Float>? = nil
  @usableFromInline var v: UnsafeMutablePointer<Float>? = nil
  public init() {}
  public var defaults: Hypers { ["nu_1": 0.7, "nu_2": 1.0] }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    let d = AdamDebias(b)
    lr = SIMD8(b["lr"])
    eps = SIMD8(b["eps"])
    nu1 = SIMD8(b["nu_1"])
    nu2 = SIMD8(b["nu_2"])
    invDebias1 = SIMD8(1 / d.debias1)
    invDebias2 = SIMD8(1 / d.debias2)
    m = b.buffer("grad_avg")
    v = b.buffer("sqr_avg")
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    let one = SIMD8<Float>(repeating: 1)
    let numerator = (one - nu1) * g + nu1 * (SIMD8.load(m!, i) * invDebias1)
    let denom = ((one - nu2) * g * g + nu2 * (SIMD8.load(v!, i) * invDebias2)).vectorSquareRoot() + eps
    p -= lr * (numerator / denom)
  }
}
