/// fastai's optimizer callback, written once and fused: a stepper names the hypers and state
/// it reads as its properties and says what it does to 8 elements at a time; the optimizer
/// composes a chain of steppers into ONE loop over each parameter's memory, so a chain of any
/// length reads and writes each buffer once.
///
///     struct AverageGrad: Stepper { let mom = Hyper("mom"), avg = State("grad_avg")
///       func step(_ s: inout Lanes) { s[avg] = s[mom] * s[avg] + s[1 - mom] * s.g }
///     }
///     let opt = Optimizer(params, steppers: [.fused { AverageGrad(); MomentumStep() }], defaults: ["lr": 1e-2, "mom": 0.9])
///
/// Scalar work once per parameter and step (a step count, bias corrections in Double) goes in
/// `begin`, which may set a hyper for the rest of this step (`s[scale] = -s[lr] / debias1`).
public protocol Stepper {
  /// Hyper-parameter defaults this stepper brings: by default, those its `Hyper` properties
  /// declare (`Hyper("eps", default: 1e-8)`).
  var defaults: Hypers { get }
  /// Whether the loop stores `g` back to the gradient (L2 regularization changes it, so that
  /// steppers after the fused stage see it).
  var writesGradient: Bool { get }
  /// Once per parameter and step, before the loop.
  func begin(_ s: StepContext)
  /// Elements `s.index ..< s.index + 8` of the parameter.
  func step(_ s: inout Lanes)
  /// Once per parameter and step, after the loop, with the parameter's totals of the chain's
  /// `Sum`s (`s[pNorm]`); called only for a chain that has a `Sum`.
  func end(_ s: StepContext)
  /// Whether the stepper holds the chain's update back until the whole parameter has been seen,
  /// because it rescales the update by a per-parameter factor (cautious masking). Such a stepper
  /// comes last in its chain and leaves in `s.p` the update to apply (`s.base` stays the
  /// parameter); the loop stores the updates, then, in a second pass, adds
  /// `deferredScale` × update to each parameter.
  var defersUpdate: Bool { get }
  /// For a stepper that defers its update: the factor it is applied with, from the parameter's
  /// sums (`s[kept]`) and count.
  func deferredScale(_ s: StepContext) -> Double
}

extension Stepper {
  public var defaults: Hypers { StepperLayout(of: Self.self).defaults(of: self) }
  public var writesGradient: Bool { false }
  @inlinable public func begin(_ s: StepContext) {}
  @inlinable @inline(__always) public func step(_ s: inout Lanes) {}
  public func end(_ s: StepContext) {}
  public var defersUpdate: Bool { false }
  public func deferredScale(_ s: StepContext) -> Double { 1 }
}

/// Two steppers run one after the other in the same iteration: nested pairs make a chain of
/// any length one concrete type, which the compiler specializes into a single loop.
public struct StepperPair<First: Stepper, Second: Stepper>: Stepper {
  public let first: First
  public let second: Second

  @inlinable public init(_ first: First, _ second: Second) {
    self.first = first
    self.second = second
  }

  public var defaults: Hypers { first.defaults.merging(second.defaults) { _, later in later } }
  public var writesGradient: Bool { first.writesGradient || second.writesGradient }

  @inlinable public func begin(_ s: StepContext) {
    first.begin(s)
    second.begin(s)
  }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    first.step(&s)
    second.step(&s)
  }

  public func end(_ s: StepContext) {
    first.end(s)
    second.end(s)
  }

  public var defersUpdate: Bool {
    precondition(!first.defersUpdate, "a stepper that defers the update (\(First.self)) must come last in its chain")
    return second.defersUpdate
  }

  public func deferredScale(_ s: StepContext) -> Double { second.deferredScale(s) }
}

/// Builds a chain from a list of steppers: `{ WeightDecay(); AverageGrad(); … }`.
@resultBuilder
public enum StepperChainBuilder {
  @inlinable public static func buildPartialBlock<S: Stepper>(first: S) -> S { first }
  @inlinable public static func buildPartialBlock<A: Stepper, B: Stepper>(accumulated: A, next: B) -> StepperPair<A, B> {
    StepperPair(accumulated, next)
  }
}
