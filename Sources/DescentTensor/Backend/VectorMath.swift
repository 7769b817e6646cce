import CVectorMath

extension SIMD8 where Scalar == Float {
  /// Square root of every lane in one vector instruction (the stdlib's `squareRoot()` on SIMD
  /// types runs lane by lane).
  @inlinable @inline(__always)
  public func vectorSquareRoot() -> SIMD8<Float> { descent_sqrt8(self) }
}
