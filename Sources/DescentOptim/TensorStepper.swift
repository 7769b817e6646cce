import DescentTensor

/// A stepper over whole tensors, exactly like a fastai optimizer callback: it reads the
/// parameter, its gradient, its state and the group's hyper-parameters, may update the
/// parameter, and may create or update named state. One pass over memory per tensor op.
///
///     let sgd = TensorStepper("sgd_cb") { s in s.param.add_(s.grad, alpha: -s["lr"]) }
///     let averageGrad = TensorStepper("average_grad", defaults: ["mom": 0.9]) { s in
///       s.buffer("grad_avg").mul_(s["mom"]).add_(s.grad)
///     }
public struct TensorStepper {
  public let name: String
  /// Hyper-parameter defaults this stepper brings (fastai's `cb.defaults`).
  public let defaults: Hypers
  public let body: (TensorStepContext) -> Void

  public init(_ name: String, defaults: Hypers = [:], _ body: @escaping (TensorStepContext) -> Void) {
    self.name = name
    self.defaults = defaults
    self.body = body
  }
}

/// What a tensor stepper sees for one parameter in one step.
public struct TensorStepContext {
  public let param: Tensor
  public let grad: Tensor
  public let state: ParameterState
  public let hypers: Hypers
  let stepper: String

  /// A hyper-parameter, or else a scalar of the state (a hyper-parameter shadows a state
  /// entry of the same name, as in fastai). A Double, as fastai's Python floats: scalar math
  /// (`1 − mom`) stays in Double and is cast to Float once, where it meets a tensor.
  public subscript(_ name: String) -> Double {
    if let v = hypers[name] ?? state.scalars[name] { return v }
    preconditionFailure("stepper \(stepper) reads '\(name)', which is neither a hyper-parameter (\(hypers.keys.sorted())) nor in the state")
  }

  /// The state buffer `name`, zero-filled like the gradient on first use.
  public func buffer(_ name: String) -> Tensor { state.buffer(name, like: grad) }

  /// The state buffer if it exists (fastai's `grad_avg=None` default).
  public func existingBuffer(_ name: String) -> Tensor? { state.buffers[name] }

  public func setScalar(_ name: String, _ value: Double) { state.scalars[name] = value }

  public var doWD: Bool { state.doWD }
}
