import DescentTensor

// The seed's five custom steppers as element steppers: each says what it does to 8 lanes, and
// the Optimizer fuses a chain of them into one loop. Same formulas and names as the seed's
// callbacks (see SeedSteppers); the README shows the same code. Scalars such as 1 − mom are
// computed in Double, as the seed's Python does, and cast to Float once in `prepare`.

public struct SGDCallback: ElementStepper {
  public init() {}
  var lr = SIMD8<Float>()
  public mutating func prepare(_ b: inout ElementBinding) { lr = SIMD8(b["lr"]) }
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    p -= lr * g
  }
}

public struct AverageGradCallback: ElementStepper {
  public init() {}
  var mom = SIMD8<Float>(), damp = SIMD8<Float>(), avg: UnsafeMutablePointer<Float>? = nil
  public mutating func prepare(_ b: inout ElementBinding) {
    mom = SIMD8(b["mom"])
    damp = SIMD8(1 - b["mom"])
    avg = b.buffer("grad_avg")
  }
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    (mom * SIMD8.load(avg!, i) + damp * g).store(avg!, i)
  }
}

public struct MomentumStepCallback: ElementStepper {
  public init() {}
  var lr = SIMD8<Float>(), avg: UnsafeMutablePointer<Float>? = nil
  public mutating func prepare(_ b: inout ElementBinding) {
    lr = SIMD8(b["lr"])
    avg = b.buffer("grad_avg")
  }
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    p -= lr * SIMD8.load(avg!, i)
  }
}

public struct AverageSquareGradCallback: ElementStepper {
  public init() {}
  var squareMom = SIMD8<Float>(), damp = SIMD8<Float>(), squareAvg: UnsafeMutablePointer<Float>? = nil
  public mutating func prepare(_ b: inout ElementBinding) {
    squareMom = SIMD8(b["square_mom"])
    damp = SIMD8(1 - b["square_mom"])
    squareAvg = b.buffer("square_avg")
  }
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    (squareMom * SIMD8.load(squareAvg!, i) + damp * (g * g)).store(squareAvg!, i)
  }
}

public struct RMSPropStepCallback: ElementStepper {
  public init() {}
  var lr = SIMD8<Float>(), eps = SIMD8<Float>(), squareAvg: UnsafeMutablePointer<Float>? = nil
  public mutating func prepare(_ b: inout ElementBinding) {
    lr = SIMD8(b["lr"])
    eps = SIMD8(b["eps"])
    squareAvg = b.buffer("square_avg")
  }
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    p -= lr * (g / (SIMD8.load(squareAvg!, i).vectorSquareRoot() + eps))
  }
}
