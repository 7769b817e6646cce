import DescentTensor

/// A stepper written per element: the Optimizer composes the element steppers of a chain into
/// ONE loop over each parameter's memory, so a chain of any length reads and writes each buffer
/// once. `update` works on 8 lanes at a time; `p` and `g` are carried through the chain in
/// registers. Buffers a stepper names are read and written through the pointers it binds in
/// `prepare`.
///
///     struct SGDStep: ElementStepper {
///       var lr: Float = 0
///       mutating func prepare(_ b: inout ElementBinding) { lr = Float(b["lr"]) }
///       func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
///         p -= lr * g
///       }
///     }
public protocol ElementStepper {
  /// Hyper-parameter defaults this stepper brings.
  var defaults: Hypers { get }
  /// Whether the loop must store `g` back to the gradient (a stepper that changes it, such as
  /// L2 regularization, so that later tensor steppers see it).
  var writesGradient: Bool { get }
  /// Whether the stepper accumulates per-parameter sums (LAMB's and LARC's norms): then
  /// `finish` is called once per parameter with the sums after the loop.
  var reduces: Bool { get }
  /// Whether the stepper holds the chain's update back until the whole parameter has been
  /// seen, because it rescales the update by a per-parameter factor (cautious masking). Such a
  /// stepper comes last in its chain and leaves in `p` the update to apply (`acc.base` stays
  /// the parameter); the loop stores the updates, then, in a second pass, adds
  /// `deferredScale(a, b, count:)` × update to each parameter.
  var defersUpdate: Bool { get }

  /// Once per parameter and step, before the loop: read hyper-parameters and scalar state
  /// (Doubles), bind buffers, precompute scalars (debias terms) in Double and cast them once.
  mutating func prepare(_ binding: inout ElementBinding)

  /// Elements i..<i+8 of the parameter.
  func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators)

  /// After the loop, with the parameter's sums of `acc.a` and `acc.b` over all its elements.
  func finish(_ a: Float, _ b: Float, _ binding: inout ElementBinding)

  /// For a stepper that defers its update: the factor the update is applied with, from the
  /// parameter's sums of `acc.a` and `acc.b` and its element count.
  func deferredScale(_ a: Float, _ b: Float, count: Int) -> Float
}

extension ElementStepper {
  public var defaults: Hypers { [:] }
  public var writesGradient: Bool { false }
  public var reduces: Bool { false }
  public var defersUpdate: Bool { false }
  public func finish(_ a: Float, _ b: Float, _ binding: inout ElementBinding) {}
  public func deferredScale(_ a: Float, _ b: Float, count: Int) -> Float { 1 }
}

/// What the loop carries through a chain beside `p` and `g`: two running sums per parameter,
/// for steppers that need norms or counts, and the parameter the chain's update is measured
/// from.
public struct Accumulators {
  public var a = SIMD8<Float>()
  public var b = SIMD8<Float>()
  /// `p` as loaded, moved by decoupled weight decay: `p − base` is the optimizer's step alone,
  /// the update that cautious masking judges (its references decay the weights outside it).
  public var base = SIMD8<Float>()
  @inlinable public init() {}
  @inlinable public init(base: SIMD8<Float>) { self.base = base }
}

/// What an element stepper sees of one parameter in `prepare` and `finish`.
public struct ElementBinding {
  public let param: Tensor
  public let grad: Tensor
  public let state: ParameterState
  public let hypers: Hypers

  @inlinable
  public init(param: Tensor, grad: Tensor, state: ParameterState, hypers: Hypers) {
    self.param = param
    self.grad = grad
    self.state = state
    self.hypers = hypers
  }

  /// A hyper-parameter, or else a scalar of the state (a hyper-parameter shadows a state
  /// entry of the same name, as in fastai).
  public subscript(_ name: String) -> Double {
    if let v = hypers[name] ?? state.scalars[name] { return v }
    preconditionFailure("an element stepper reads '\(name)', which is neither a hyper-parameter (\(hypers.keys.sorted())) nor in the state")
  }

  /// A hyper-parameter or state scalar if present.
  public func value(_ name: String) -> Double? { hypers[name] ?? state.scalars[name] }

  /// The state buffer `name` (zero-filled like the gradient on first use), as a pointer valid
  /// for `paddedCount` elements.
  public func buffer(_ name: String) -> UnsafeMutablePointer<Float> { state.buffer(name, like: grad).pointer }

  public func hasBuffer(_ name: String) -> Bool { state.buffers[name] != nil }

  /// The state buffer `name`, which on first use starts as a copy of the parameter (PyTorch's
  /// `p.clone()`: Schedule-Free's z, Prodigy's p0) rather than zeros.
  public func bufferStartingAtParameter(_ name: String) -> UnsafeMutablePointer<Float> {
    let fresh = !hasBuffer(name)
    let pointer = buffer(name)
    if fresh { pointer.update(from: param.pointer, count: count) }
    return pointer
  }

  public func setScalar(_ name: String, _ value: Double) { state.scalars[name] = value }

  public var doWD: Bool { state.doWD }
  public var count: Int { param.count }
}

extension SIMD8<Float> {
  /// `value`, rounded to Float once, in every lane.
  @inlinable @inline(__always)
  public init(_ value: Double) { self.init(repeating: Float(value)) }

  @inlinable @inline(__always)
  public static func load(_ p: UnsafeMutablePointer<Float>, _ i: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + i).load(as: SIMD8<Float>.self)
  }

  @inlinable @inline(__always)
  public func store(_ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: self, as: SIMD8<Float>.self)
  }
}
