import DescentTensor

// The seed's five custom steppers as element steppers: each says what it does to 8 lanes, and
// the Optimizer fuses a chain of them into one loop. The README shows the same code.

public struct SGDCallback: ElementStepper {
  public init() {}
  var lr = SIMD8<Float>()
  public mutating func prepare(_ b: inout ElementBinding) { lr = SIMD8(repeating: b["lr"]) }
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    p -= lr * g
  }
}

public struct AverageGradCallback: ElementStepper {
  public init() {}
  var mom = SIMD8<Float>(), avg: UnsafeMutablePointer<Float>? = nil
  public var defaults: Hypers { ["mom": 0.9] }
  public mutating func prepare(_ b: inout ElementBinding) {
    mom = SIMD8(repeating: b["mom"])
    avg = b.buffer("grad_avg")
  }
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    (SIMD8.load(avg!, i) * mom + g).store(avg!, i)
  }
}

public struct MomentumStepCallback: ElementStepper {
  public init() {}
  var lr = SIMD8<Float>(), avg: UnsafeMutablePointer<Float>? = nil
  public mutating func prepare(_ b: inout ElementBinding) {
    lr = SIMD8(repeating: b["lr"])
    avg = b.buffer("grad_avg")
  }
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    p -= lr * SIMD8.load(avg!, i)
  }
}

public struct AverageSquareGradCallback: ElementStepper {
  public init() {}
  var sqrMom = SIMD8<Float>(), sqr: UnsafeMutablePointer<Float>? = nil
  public var defaults: Hypers { ["sqr_mom": 0.99] }
  public mutating func prepare(_ b: inout ElementBinding) {
    sqrMom = SIMD8(repeating: b["sqr_mom"])
    sqr = b.buffer("sqr_avg")
  }
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    (SIMD8.load(sqr!, i) * sqrMom + (1 - sqrMom) * g * g).store(sqr!, i)
  }
}

public struct RMSPropStepCallback: ElementStepper {
  public init() {}
  var lr = SIMD8<Float>(), eps = SIMD8<Float>(), sqr: UnsafeMutablePointer<Float>? = nil
  public var defaults: Hypers { ["eps": 1e-8] }
  public mutating func prepare(_ b: inout ElementBinding) {
    lr = SIMD8(repeating: b["lr"])
    eps = SIMD8(repeating: b["eps"])
    sqr = b.buffer("sqr_avg")
  }
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    p -= lr * (g / (SIMD8.load(sqr!, i).vectorSquareRoot() + eps))
  }
}
