import DescentTensor

// The seed's five custom steppers, fused: each names the hypers and state it reads and says
// what it does to 8 elements; the Optimizer composes a chain of them into one loop over
// memory. The seed's names (`grad_avg`, `square_mom`, `square_avg`), its damped
// `average_grad` and its `rms_prop_step`, which divides the raw gradient; `1 - mom` is taken in
// Double once per parameter, as the seed's Python computes it. The README shows the same code
// (in a user's own module, without `public` and the `init`s).

public struct SGDCallback: Stepper { let lr = Hyper("lr")
  public init() {}
  public func step(_ s: inout Lanes) { s.p -= s[lr] * s.g }
}

public struct AverageGradCallback: Stepper { let mom = Hyper("mom"), avg = State("grad_avg")
  public init() {}
  public func step(_ s: inout Lanes) { s[avg] = s[mom] * s[avg] + s[1 - mom] * s.g }
}

public struct MomentumStepCallback: Stepper { let lr = Hyper("lr"), avg = State("grad_avg")
  public init() {}
  public func step(_ s: inout Lanes) { s.p -= s[lr] * s[avg] }
}

public struct AverageSquareGradCallback: Stepper { let squareMom = Hyper("square_mom"), squareAvg = State("square_avg")
  public init() {}
  public func step(_ s: inout Lanes) { s[squareAvg] = s[squareMom] * s[squareAvg] + s[1 - squareMom] * (s.g * s.g) }
}

public struct RMSPropStepCallback: Stepper { let lr = Hyper("lr"), eps = Hyper("eps"), squareAvg = State("square_avg")
  public init() {}
  public func step(_ s: inout Lanes) { s.p -= s[lr] * (s.g / (sqrt(s[squareAvg]) + s[eps])) }
}
