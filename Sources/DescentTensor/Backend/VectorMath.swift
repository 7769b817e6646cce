import CVectorMath

extension SIMD8 where Scalar == Float {
  /// Square root of every lane in one vector instruction (the stdlib's `squareRoot()` on SIMD
  /// types runs lane by lane).
  @inlinable @inline(__always)
  public func vectorSquareRoot() -> SIMD8<Float> { descent_sqrt8(self) }

  // Arithmetic as one vector operation each, as the compiler's inliner sees it (see
  // vector_math.h): these overloads, more specific than the standard library's generic ones,
  // are what `a * b` means for SIMD8<Float> wherever DescentTensor is imported.
  @inlinable @inline(__always) public static func + (a: Self, b: Self) -> Self { descent_add8(a, b) }
  @inlinable @inline(__always) public static func - (a: Self, b: Self) -> Self { descent_sub8(a, b) }
  @inlinable @inline(__always) public static func * (a: Self, b: Self) -> Self { descent_mul8(a, b) }
  @inlinable @inline(__always) public static func / (a: Self, b: Self) -> Self { descent_div8(a, b) }
  @inlinable @inline(__always) public static func += (a: inout Self, b: Self) { a = descent_add8(a, b) }
  @inlinable @inline(__always) public static func -= (a: inout Self, b: Self) { a = descent_sub8(a, b) }
  @inlinable @inline(__always) public static func *= (a: inout Self, b: Self) { a = descent_mul8(a, b) }
  @inlinable @inline(__always) public static func /= (a: inout Self, b: Self) { a = descent_div8(a, b) }
}
