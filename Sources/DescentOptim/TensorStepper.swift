import DescentTensor

/// A stepper over whole tensors, exactly like a fastai optimizer callback: it reads the
/// parameter, its gradient, its state and the group's hyper-parameters, may update the
/// parameter, and may create or update named state. One pass over memory per tensor op.
///
///     let sgd = TensorStepper("sgd_cb") { s in s.param.add_(s.grad, alpha: Float(-s["lr"])) }
///     let averageGrad = TensorStepper("average_grad", defaults: ["mom": 0.9]) { s in
///       s.buffer("grad_avg").mul_(Float(s["mom"])).add_(s.grad)
///     }
///
/// Hypers are Doubles, as fastai's Python floats; they are cast to Float where they meet a
/// tensor. A `Stepper` does the same math in one fused pass over memory; a `WholeTensorStepper`
/// is this with its names declared as properties (checked, and read without a string lookup).
public struct TensorStepper {
  public let name: String
  /// Hyper-parameter defaults this stepper brings (fastai's `cb.defaults`).
  public let defaults: Hypers
  /// The hyper-parameters it reads beyond its defaults, when it says (`reads: ["lr"]`): then
  /// the optimizer can refuse a name no stepper reads. nil: unknown.
  public let reads: [String]?
  public let body: (StepContext) -> Void

  public init(_ name: String, defaults: Hypers = [:], reads: [String]? = nil, _ body: @escaping (StepContext) -> Void) {
    self.name = name
    self.defaults = defaults
    self.reads = reads
    self.body = body
  }
}
