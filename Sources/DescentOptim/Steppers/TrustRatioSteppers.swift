import DescentTensor

/// LARC/LARS's layer-wise learning rate (fastai's `larc_layer_lr`), computed from ‖p‖ and ‖g‖
/// after the steppers before it: local_lr = lr·trust_coeff·‖p‖ / (‖g‖ + ‖p‖·wd + eps), clipped
/// at lr for LARC. The norms accumulate in the fused loop; the result lands in state `local_lr`
/// for `LarcStep`, which must run in a later stage.
public struct LarcLayerLR: ElementStepper {
  public let clip: Bool
  public init(clip: Bool = true) { self.clip = clip }
  public var defaults: Hypers { ["trust_coeff": 0.02, "wd": 0, "eps": 1e-8] }
  public var reduces: Bool { true }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {}

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    acc.a += p * p
    acc.b += g * g
  }

  public func finish(_ a: Float, _ b: Float, _ binding: inout ElementBinding) {
    let lr = binding["lr"], pNorm = Double(a).squareRoot(), gNorm = Double(b).squareRoot()
    let denominator = gNorm + pNorm * binding["wd"] + binding["eps"]
    let local = lr * binding["trust_coeff"] * pNorm / denominator
    binding.setScalar("local_lr", clip ? Swift.min(lr, local) : local)
  }
}

/// p ← p − local_lr · (grad_avg, or g without momentum) (fastai's `larc_step`).
public struct LarcStep: ElementStepper {
  @usableFromInline var lr = SIMD8<Float>()
  @usableFromInline var m: UnsafeMutablePointer<Float>? = nil
  public init() {}

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    lr = SIMD8(b["local_lr"])
    m = b.hasBuffer("grad_avg") ? b.buffer("grad_avg") : nil
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    p -= lr * (m.map { SIMD8.load($0, i) } ?? g)
  }
}

/// The Adam-like direction LAMB scales: (grad_avg/debias1) / (√(sqr_avg/debias2) + eps).
@usableFromInline
struct LambDirection {
  @usableFromInline var invDebias1 = SIMD8<Float>(), invDebias2 = SIMD8<Float>(), eps = SIMD8<Float>()
  @usableFromInline var m: UnsafeMutablePointer<Float>? = nil
  @usableFromInline var v: UnsafeMutablePointer<Float>? = nil

  @inlinable init() {}

  @inlinable mutating func prepare(_ b: inout ElementBinding) {
    let d = AdamDebias(b)
    invDebias1 = SIMD8(1 / d.debias1)
    invDebias2 = SIMD8(1 / d.debias2)
    eps = SIMD8(b["eps"])
    m = b.buffer("grad_avg")
    v = b.buffer("sqr_avg")
  }

  @inlinable @inline(__always) func at(_ i: Int) -> SIMD8<Float> {
    (SIMD8.load(m!, i) * invDebias1) / ((SIMD8.load(v!, i) * invDebias2).vectorSquareRoot() + eps)
  }
}

/// LAMB's trust ratio (first half of fastai's `lamb_step`): r1 = rms(p), r2 = rms(step),
/// q = min(r1/r2, 10) (1 when either is 0), into state `lamb_trust` for `LambStep`.
public struct LambTrustRatio: ElementStepper {
  @usableFromInline var direction = LambDirection()
  public init() {}
  public var reduces: Bool { true }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) { direction.prepare(&b) }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    let s = direction.at(i)
    acc.a += p * p
    acc.b += s * s
  }

  public func finish(_ a: Float, _ b: Float, _ binding: inout ElementBinding) {
    let n = Double(binding.count)
    let r1 = (Double(a) / n).squareRoot(), r2 = (Double(b) / n).squareRoot()
    binding.setScalar("lamb_trust", r1 == 0 || r2 == 0 ? 1 : Swift.min(r1 / r2, 10))
  }
}

/// p ← p − lr · q · step (second half of fastai's `lamb_step`, after `LambTrustRatio`).
public struct LambStep: ElementStepper {
  @usableFromInline var direction = LambDirection()
  @usableFromInline var scale = SIMD8<Float>()
  public init() {}

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    direction.prepare(&b)
    scale = SIMD8(-b["lr"] * b["lamb_trust"])
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    p += scale * direction.at(i)
  }
}
