/// One entry of an optimizer's chain: a tensor stepper (whole tensors, one op at a time) or a
/// fused stage (element steppers composed into one loop over memory).
public enum Stepper {
  case tensor(TensorStepper)
  case fused(FusedStage)

  /// A fused stage from element steppers listed in order:
  ///
  ///     .fused { WeightDecay(); AverageGrad(dampening: true); AverageSqrGrad(); StepStat(); AdamStep() }
  @inlinable
  public static func fused<C: ElementStepper>(@ElementChainBuilder _ chain: () -> C) -> Stepper {
    .fused(FusedStage(chain()))
  }

  public var defaults: Hypers {
    switch self {
    case .tensor(let t): return t.defaults
    case .fused(let f): return f.defaults
    }
  }
}
