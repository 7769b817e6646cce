/// Moving average of the gradient in state `grad_avg` (fastai's `average_grad`):
/// m ← mom·m + damp·g, damp = 1 − mom with dampening, else 1.
public struct AverageGrad: ElementStepper {
  public let dampening: Bool
  @usableFromInline var mom = SIMD8<Float>(), damp = SIMD8<Float>()
  @usableFromInline var m: UnsafeMutablePointer<Float>? = nil

  public init(dampening: Bool = false) { self.dampening = dampening }
  public var defaults: Hypers { ["mom": 0.9] }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    let mom = b["mom"]
    self.mom = SIMD8(mom)
    damp = SIMD8(dampening ? 1 - mom : 1)
    m = b.buffer("grad_avg")
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    (SIMD8.load(m!, i) * mom + damp * g).store(m!, i)
  }
}

/// Moving average of the squared gradient in state `sqr_avg` (fastai's `average_sqr_grad`):
/// v ← sqr_mom·v + damp·g², damp = 1 − sqr_mom with dampening (the default), else 1.
public struct AverageSqrGrad: ElementStepper {
  public let dampening: Bool
  @usableFromInline var sqrMom = SIMD8<Float>(), damp = SIMD8<Float>()
  @usableFromInline var v: UnsafeMutablePointer<Float>? = nil

  public init(dampening: Bool = true) { self.dampening = dampening }
  public var defaults: Hypers { ["sqr_mom": 0.99] }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    let sqrMom = b["sqr_mom"]
    self.sqrMom = SIMD8(sqrMom)
    damp = SIMD8(dampening ? 1 - sqrMom : 1)
    v = b.buffer("sqr_avg")
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    (SIMD8.load(v!, i) * sqrMom + damp * g * g).store(v!, i)
  }
}

/// Counts the steps taken for a parameter in state `step` (fastai's `step_stat`).
public struct StepStat: ElementStepper {
  public init() {}
  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    b.setScalar("step", (b.state.scalars["step"] ?? 0) + 1)
  }
  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {}
}
