import DescentTensor

/// p ← p − lr·g (fastai's `sgd_step`).
public struct SGDStep: ElementStepper {
  @usableFromInline var lr = SIMD8<Float>()
  public init() {}
  @inlinable public mutating func prepare(_ b: inout ElementBinding) { lr = SIMD8(b["lr"]) }
  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    p -= lr * g
  }
}

/// p ← p − lr·grad_avg (fastai's `momentum_step`).
public struct MomentumStep: ElementStepper {
  @usableFromInline var lr = SIMD8<Float>()
  @usableFromInline var m: UnsafeMutablePointer<Float>? = nil
  public init() {}
  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    lr = SIMD8(b["lr"])
    m = b.buffer("grad_avg")
  }
  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    p -= lr * SIMD8.load(m!, i)
  }
}

/// p ← p − lr · (grad_avg, or g without momentum) / (√sqr_avg + eps) (fastai's `rms_prop_step`).
public struct RMSPropStep: ElementStepper {
  @usableFromInline var lr = SIMD8<Float>(), eps = SIMD8<Float>()
  @usableFromInline var m: UnsafeMutablePointer<Float>? = nil
  @usableFromInline var v: UnsafeMutablePointer<Float>? = nil
  public init() {}
  public var defaults: Hypers { ["eps": 1e-8] }
  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    lr = SIMD8(b["lr"])
    eps = SIMD8(b["eps"])
    m = b.hasBuffer("grad_avg") ? b.buffer("grad_avg") : nil
    v = b.buffer("sqr_avg")
  }
  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    let numerator = m.map { SIMD8.load($0, i) } ?? g
    p -= lr * (numerator / (SIMD8.load(v!, i).vectorSquareRoot() + eps))
  }
}
