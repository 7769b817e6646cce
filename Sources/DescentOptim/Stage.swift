/// One entry of an optimizer's chain: a fused stage (`Stepper`s composed into one loop over
/// memory), a whole-tensor stepper (`.tensor(MuonStep())`, or a fastai-style `TensorStepper`
/// closure), or a stepper over every parameter at once (`.global(ProdigyEstimate())`: sums
/// across parameters). All three see a parameter as a `StepContext`.
public enum Stage {
  case tensor(TensorStepper)
  case fused(FusedStage)
  case global(GlobalStepper)

  /// A fused stage from steppers listed in order:
  ///
  ///     .fused { WeightDecay(); AverageGrad(dampening: true); AverageSqrGrad(); StepStat(); AdamStep() }
  @inlinable
  public static func fused<C: Stepper>(@StepperChainBuilder _ chain: () -> C) -> Stage {
    .fused(FusedStage(chain()))
  }

  /// The hyper-parameter names this entry reads; nil where it cannot say (a tensor or global
  /// stepper without `reads:`).
  public var hyperNames: Set<String>? {
    switch self {
    case .fused(let f): return f.hyperNames
    case .tensor(let t): return t.reads.map { Set($0).union(t.defaults.keys) }
    case .global(let g): return g.reads.map { Set($0).union(g.defaults.keys) }
    }
  }

  public var defaults: Hypers {
    switch self {
    case .tensor(let t): return t.defaults
    case .fused(let f): return f.defaults
    case .global(let g): return g.defaults
    }
  }
}

/// An `AllParametersStepper` as the optimizer runs it (made by `Stage.global(_:)`): it reads
/// what the stages before it left in the parameters' states and writes what the stages after
/// it read.
public struct GlobalStepper {
  public let name: String
  public let defaults: Hypers
  public let readsGradients: Bool
  /// The hyper-parameters it reads beyond its defaults, as `TensorStepper.reads`.
  public let reads: [String]?
  public let body: ([StepContext]) -> Void

  init(_ name: String, defaults: Hypers = [:], readsGradients: Bool = false, reads: [String]? = nil,
       _ body: @escaping ([StepContext]) -> Void) {
    self.name = name
    self.defaults = defaults
    self.readsGradients = readsGradients
    self.reads = reads
    self.body = body
  }
}
