/// Moving average of the gradient in state `grad_avg` (fastai's `average_grad`):
/// m ← mom·m + damp·g, damp = 1 − mom with dampening, else 1.
public struct AverageGrad: Stepper {
  public let dampening: Bool
  public let mom = Hyper("mom", default: 0.9), avg = State("grad_avg")
  public init(dampening: Bool = false) { self.dampening = dampening }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    s[avg] = s[avg] * s[mom] + (dampening ? s[1 - mom] : SIMD8(repeating: 1)) * s.g
  }
}

/// Moving average of the squared gradient in state `sqr_avg` (fastai's `average_sqr_grad`):
/// v ← sqr_mom·v + damp·g², damp = 1 − sqr_mom with dampening (the default), else 1.
public struct AverageSqrGrad: Stepper {
  public let dampening: Bool
  public let sqrMom = Hyper("sqr_mom", default: 0.99), sqrAvg = State("sqr_avg")
  public init(dampening: Bool = true) { self.dampening = dampening }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    s[sqrAvg] = s[sqrAvg] * s[sqrMom] + (dampening ? s[1 - sqrMom] : SIMD8(repeating: 1)) * s.g * s.g
  }
}

/// Counts the steps taken for a parameter in state `step` (fastai's `step_stat`).
public struct StepStat: Stepper {
  public init() {}
  public func begin(_ s: StepContext) { s.setScalar("step", (s.state.scalars["step"] ?? 0) + 1) }
}
