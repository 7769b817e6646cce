import DescentTensor

/// A stepper that needs a parameter's whole tensor at once — a matrix function such as Muon's
/// Newton–Schulz, a norm it must know before anything moves — written in the same surface as a
/// fused `Stepper`: the hypers and state it reads are its stored properties, and its `step` sees
/// the parameter as a `StepContext` (`s[lr]` a Double, `s[avg]` the buffer as a `Tensor`).
/// It runs between fused stages, one parameter at a time:
///
///     struct Orthogonalize: WholeTensorStepper {
///       let lr = Hyper("lr"), steps = Hyper("ns_steps", default: 5)
///       func step(_ s: StepContext) { … s.param.add_(o, alpha: Float(-s[lr])) }
///     }
///     Optimizer(params, steppers: [.fused { WeightDecay(); MuonMomentum() }, .tensor(Orthogonalize())], defaults: …)
///
/// The optimizer reads its hyper names and defaults from its properties, as a `Stepper`'s.
public protocol WholeTensorStepper {
  /// By default, what its `Hyper` properties declare.
  var defaults: Hypers { get }
  func step(_ s: StepContext)
}

/// A stepper that sees every parameter of the step together (sums across parameters, as
/// Prodigy's estimate of the distance to the solution, or one pass over every parameter laid end
/// to end, as Adafactor's), in the same surface: `Hyper` and `State` properties, read through each
/// parameter's `StepContext`. It runs on the calling thread (and may split its work over the
/// cores itself).
public protocol AllParametersStepper {
  /// By default, what its `Hyper` properties declare.
  var defaults: Hypers { get }
  /// Whether it reads gradients: then a pending gradient scale is applied before it runs,
  /// otherwise by the next stage. By default, no.
  var readsGradients: Bool { get }
  func step(_ all: [StepContext])
}

extension WholeTensorStepper {
  public var defaults: Hypers { StepperLayout(of: Self.self).defaults(of: self) }
}

extension AllParametersStepper {
  public var defaults: Hypers { StepperLayout(of: Self.self).defaults(of: self) }
  public var readsGradients: Bool { false }
}

extension Stage {
  /// A whole-tensor stepper's entry: its name is its type's, and the names it reads are its
  /// `Hyper` properties', so that the optimizer refuses a name no stepper reads.
  public static func tensor<T: WholeTensorStepper>(_ stepper: T) -> Stage {
    let names = StepperLayout(of: T.self).hyperNames(of: stepper)
    return .tensor(TensorStepper("\(T.self)", defaults: stepper.defaults, reads: names.sorted()) { stepper.step($0) })
  }

  /// An all-parameters stepper's entry, as `tensor(_:)`.
  public static func global<T: AllParametersStepper>(_ stepper: T) -> Stage {
    let names = StepperLayout(of: T.self).hyperNames(of: stepper)
    return .global(GlobalStepper("\(T.self)", defaults: stepper.defaults, readsGradients: stepper.readsGradients,
                                 reads: names.sorted()) { stepper.step($0) })
  }
}
