/// Decoupled weight decay (fastai's `weight_decay`): p ← p · (1 − lr·wd), when the parameter's
/// `doWD` flag is set. The decayed p becomes the base the rest of the chain's update is
/// measured from.
public struct WeightDecay: ElementStepper {
  @usableFromInline var factor = SIMD8<Float>(repeating: 1)
  public init() {}
  public var defaults: Hypers { ["wd": 0] }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    let wd = b["wd"]
    factor = SIMD8(b.doWD && wd != 0 ? 1 - b["lr"] * wd : 1)
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    p *= factor
    acc.base = p
  }
}

/// L2 regularization (fastai's `l2_reg`): g ← g + wd·p, when `doWD` is set. The changed
/// gradient is stored back, as fastai changes `p.grad` in place.
public struct L2Regularization: ElementStepper {
  @usableFromInline var wd = SIMD8<Float>()
  public init() {}
  public var defaults: Hypers { ["wd": 0] }
  public var writesGradient: Bool { true }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    wd = SIMD8(b.doWD ? b["wd"] : 0)
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    g += wd * p
  }
}
