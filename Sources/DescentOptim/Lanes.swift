import DescentTensor

/// What a stepper's `step` sees: 8 elements of one parameter — `p` and `g` in registers,
/// carried from stepper to stepper through the chain — and the hypers and state buffers it
/// names (`s[lr]`, `s[avg]`). The optimizer runs the chain once per 8 elements, so the whole
/// chain is one pass over memory.
///
/// `Hyper`s, `State`s and `Sum`s are stored properties of the steppers (or of structs they
/// hold): before the loop, the optimizer binds them to each parameter's values and buffers in
/// its own copy of the chain (see `StepperLayout`), so that inside the loop they are plain
/// fields in registers. A `step` is inlined into the loop: no check runs per element (a name
/// that is not a property reads NaN, and the stage refuses such a chain before its first step,
/// see `StepperLayout.probe`), and SIMD8<Float> arithmetic is one vector operation each as the
/// compiler's inliner sees it (DescentTensor's VectorMath.swift).
/// Control flow in `step` may depend on hypers (`if s.value(step) == 1`) and on whether an
/// optional buffer exists (`s.has(avg)`), not on the elements' values (use lane-wise selects:
/// `replacing(with:where:)`, `max`, `sign`).
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

  @inlinable
  init() {
    p = SIMD8()
    g = SIMD8()
    base = SIMD8()
    sums = (SIMD8(), SIMD8(), SIMD8(), SIMD8())
    at = 0
  }

  /// The hyper-parameter in every lane.
  @inlinable
  public subscript(_ h: Hyper) -> SIMD8<Float> {
    @inline(__always) get { SIMD8(repeating: value(h)) }
  }

  /// The hyper-parameter as one Float, for a decision per parameter (`if s.value(step) == 1`).
  @inlinable @inline(__always)
  public func value(_ h: Hyper) -> Float { h.value }

  /// The state buffer's 8 elements.
  @inlinable
  public subscript(_ b: State) -> SIMD8<Float> {
    @inline(__always) get { UnsafeRawPointer(pointer(b) + at).load(as: SIMD8<Float>.self) }
    @inline(__always) nonmutating set { UnsafeMutableRawPointer(pointer(b) + at).storeBytes(of: newValue, as: SIMD8<Float>.self) }
  }

  @inlinable @inline(__always)
  func pointer(_ b: State) -> UnsafeMutablePointer<Float> { b.pointer.unsafelyUnwrapped }

  /// Whether an optional buffer (`State("grad_avg", optional: true)`) exists for this
  /// parameter: fastai's `grad_avg=None` default.
  @inlinable
  public func has(_ b: State) -> Bool { b.pointer != nil }

  /// The running sum's 8 lanes: `s[pNorm] += s.p * s.p`.
  @inlinable
  public subscript(_ x: Sum) -> SIMD8<Float> {
    @inline(__always) get { sum(x.index) }
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
