import DescentTensor

/// What a stepper's `step` sees: 8 elements of one parameter — `p` and `g` in registers,
/// carried from stepper to stepper through the chain — and the hypers and state buffers it
/// names (`s[lr]`, `s[avg]`). The optimizer runs the chain once per 8 elements, so the whole
/// chain is one pass over memory.
///
/// `Hyper`s and `State`s are stored properties of the steppers (or of structs they hold): the
/// optimizer binds them to each parameter's values and buffers in its own copy of the chain.
/// Before the loop, it calls the chain once on a recording `Lanes` per parameter (hypers read
/// as they are, buffers as 0, writes dropped) to learn which hypers and buffers it uses; a step
/// that reads a buffer only under a per-parameter condition (`s.has(avg) ? s[avg] : s.g`,
/// `if s.value(step) == 1`) is recorded as it runs. Control flow must not depend on the
/// elements' values (use lane-wise selects: `replacing(with:where:)`, `max`, `sign`).
public struct Lanes {
  public var p: SIMD8<Float>
  public var g: SIMD8<Float>
  /// The parameter as loaded, moved by decoupled weight decay: `p − base` is the optimizer's
  /// step alone, the update that cautious masking judges (its references decay the weights
  /// outside it).
  public var base: SIMD8<Float>
  @usableFromInline var sums: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)
  /// The first of the 8 elements.
  public var index: Int { at }
  @usableFromInline var at: Int
  @usableFromInline let recorder: LaneRecorder?

  @inlinable
  init() {
    p = SIMD8()
    g = SIMD8()
    base = SIMD8()
    sums = (SIMD8(), SIMD8(), SIMD8(), SIMD8())
    at = 0
    recorder = nil
  }

  @inlinable
  init(recording recorder: LaneRecorder) {
    p = SIMD8()
    g = SIMD8()
    base = SIMD8()
    sums = (SIMD8(), SIMD8(), SIMD8(), SIMD8())
    at = 0
    self.recorder = recorder
  }

  /// The hyper-parameter in every lane.
  @inlinable
  public subscript(_ h: Hyper) -> SIMD8<Float> {
    @inline(__always) get { SIMD8(repeating: value(h)) }
  }

  /// The hyper-parameter as one Float, for a decision per parameter (`if s.value(step) == 1`).
  @inlinable @inline(__always)
  public func value(_ h: Hyper) -> Float {
    if let recorder { return recorder.read(h) }
    return h.value
  }

  /// The state buffer's 8 elements.
  @inlinable
  public subscript(_ b: State) -> SIMD8<Float> {
    @inline(__always) get {
      if let recorder {
        recorder.use(b)
        return SIMD8()
      }
      return UnsafeRawPointer(b.pointer.unsafelyUnwrapped + at).load(as: SIMD8<Float>.self)
    }
    @inline(__always) nonmutating set {
      if let recorder { return recorder.use(b) }
      UnsafeMutableRawPointer(b.pointer.unsafelyUnwrapped + at).storeBytes(of: newValue, as: SIMD8<Float>.self)
    }
  }

  /// The running sum's 8 lanes: `s[pNorm] += s.p * s.p`.
  @inlinable
  public subscript(_ x: Sum) -> SIMD8<Float> {
    @inline(__always) get {
      if let recorder { recorder.use(x) }
      return sum(x.index)
    }
    @inline(__always) set {
      switch x.index {
      case 0: sums.0 = newValue
      case 1: sums.1 = newValue
      case 2: sums.2 = newValue
      default: sums.3 = newValue
      }
    }
  }

  @inlinable @inline(__always)
  func sum(_ j: Int) -> SIMD8<Float> {
    switch j {
    case 0: return sums.0
    case 1: return sums.1
    case 2: return sums.2
    default: return sums.3
    }
  }

  /// Whether the buffer exists for this parameter (fastai's `grad_avg=None` default); asking
  /// does not create it.
  @inlinable
  public func has(_ b: State) -> Bool {
    if let recorder { return recorder.has(b) }
    return b.pointer != nil
  }
}

/// Records, for one parameter, what a chain's `step` reads: the hypers whose values the table
/// needs and the buffers to create and bind. Reused from parameter to parameter.
public final class LaneRecorder {
  /// The hypers read, by name number, with their values.
  @usableFromInline var hypers: [(id: Int, value: Double)] = []
  @usableFromInline var buffers: [State] = []
  @usableFromInline var context: StepContext?
  @inlinable init() {}

  @inlinable func start(_ context: StepContext) {
    hypers.removeAll(keepingCapacity: true)
    buffers.removeAll(keepingCapacity: true)
    self.context = context
  }

  @usableFromInline func read(_ h: Hyper) -> Float {
    precondition(h.isBound, "a stepper reads Hyper(\"\(h.name)\"), which is not one of its stored properties: declare it as `let \(h.name) = Hyper(\"\(h.name)\")` in the stepper, so that the optimizer can bind it to each parameter's value")
    let v: Double
    if let known = hypers.first(where: { $0.id == h.id }) {
      v = known.value
    } else {
      v = context.unsafelyUnwrapped[Hyper(id: h.id, complement: false, defaultValue: nil)]
      hypers.append((h.id, v))
    }
    return Float(h.complement ? 1 - v : v)
  }

  @usableFromInline func use(_ b: State) {
    precondition(b.isBound, "a stepper uses State(\"\(b.name)\"), which is not one of its stored properties: declare it as `let \(b.name) = State(\"\(b.name)\")` in the stepper, so that the optimizer can bind it to each parameter's buffer")
    if !buffers.contains(where: { $0.id == b.id }) { buffers.append(b) }
  }

  @usableFromInline func use(_ x: Sum) {
    precondition(x.index >= 0, "a stepper accumulates a Sum that is not one of its stored properties: declare it as `let total = Sum()` in the stepper")
  }

  @usableFromInline func has(_ b: State) -> Bool {
    buffers.contains { $0.id == b.id } || context.unsafelyUnwrapped.state.buffers[b.name] != nil
  }
}

/// Lane-wise math for steppers: one vector instruction each (the standard library's SIMD
/// `squareRoot()`, `pointwiseMax` and `clamped` run lane by lane).
@inlinable @inline(__always)
public func sqrt(_ x: SIMD8<Float>) -> SIMD8<Float> { x.vectorSquareRoot() }

/// −1, 0 or 1 in each lane.
@inlinable @inline(__always)
public func sign(_ x: SIMD8<Float>) -> SIMD8<Float> {
  let zero = SIMD8<Float>()
  return zero.replacing(with: 1, where: x .> zero).replacing(with: -1, where: x .< zero)
}

@inlinable @inline(__always)
public func max(_ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> { x.replacing(with: y, where: x .< y) }

@inlinable @inline(__always)
public func min(_ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> { x.replacing(with: y, where: y .< x) }
