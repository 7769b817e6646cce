/// PyTorch's CPU `lerp(a, b, w)`: a + w·(b − a) for |w| < 0.5, else b − (1 − w)·(b − a), each
/// one fused multiply-add, as its vectorized kernel computes it (the weight taken in float32,
/// w − 1 too) — so that steppers written after a PyTorch optimizer round as it does.
@usableFromInline
struct TorchLerp {
  @usableFromInline let small: Bool
  @usableFromInline let scalar: Float
  @usableFromInline let coefficient: SIMD8<Float>

  @inlinable init(weight: Double) { self.init(Float(weight)) }

  /// From a weight already in float32 (a stepper's bound hyper: `s.value(mom)`).
  @inlinable init(_ w: Float) {
    small = Swift.abs(w) < 0.5
    scalar = small ? w : w - 1
    coefficient = SIMD8(repeating: scalar)
  }

  @inlinable @inline(__always)
  func apply(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    (small ? a : b).addingProduct(coefficient, b - a)
  }

  @inlinable @inline(__always)
  func apply(_ a: Float, _ b: Float) -> Float { (small ? a : b).addingProduct(scalar, b - a) }
}
