import Foundation

// The per-element functions behind the elementwise tensor ops (see Arithmetic.swift and
// UnaryOps.swift). Each is a type so that `Elementwise.map` specializes its loop for it.

public enum AddKernel: BinaryKernel {
  @inlinable public static func scalar(_ a: Float, _ b: Float) -> Float { a + b }
  @inlinable public static func simd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a + b }
}
public enum SubKernel: BinaryKernel {
  @inlinable public static func scalar(_ a: Float, _ b: Float) -> Float { a - b }
  @inlinable public static func simd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a - b }
}
public enum MulKernel: BinaryKernel {
  @inlinable public static func scalar(_ a: Float, _ b: Float) -> Float { a * b }
  @inlinable public static func simd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a * b }
}
public enum DivKernel: BinaryKernel {
  @inlinable public static func scalar(_ a: Float, _ b: Float) -> Float { a / b }
  @inlinable public static func simd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a / b }
}
public enum PowKernel: BinaryKernel {
  @inlinable public static func scalar(_ a: Float, _ b: Float) -> Float { Foundation.pow(a, b) }
  @inlinable public static func simd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    var r = SIMD8<Float>()
    for i in 0..<8 { r[i] = Foundation.pow(a[i], b[i]) }
    return r
  }
}
public enum MaximumKernel: BinaryKernel {
  @inlinable public static func scalar(_ a: Float, _ b: Float) -> Float { Swift.max(a, b) }
  @inlinable public static func simd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { pointwiseMax(a, b) }
}
/// relu(a + b), rounded as `AddKernel` then `ReluKernel` round it: a residual sum and its ReLU.
public enum AddReluKernel: BinaryKernel {
  @inlinable public static func scalar(_ a: Float, _ b: Float) -> Float { ReluKernel.scalar(a + b) }
  @inlinable @inline(__always)
  public static func simd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { ReluKernel.simd(a + b) }
}
/// g where x > 0, else 0: the gradient of relu.
public enum ReluBackwardKernel: BinaryKernel {
  @inlinable public static func scalar(_ g: Float, _ x: Float) -> Float { x > 0 ? g : 0 }
  @inlinable @inline(__always)
  public static func simd(_ g: SIMD8<Float>, _ x: SIMD8<Float>) -> SIMD8<Float> {
    g.replacing(with: 0, where: x .<= 0)
  }
}

// Comparison masks: 1 where the relation holds, else 0.
public enum GreaterKernel: BinaryKernel {
  @inlinable public static func scalar(_ a: Float, _ b: Float) -> Float { a > b ? 1 : 0 }
  @inlinable public static func simd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    SIMD8(repeating: 0).replacing(with: 1, where: a .> b)
  }
}
public enum GreaterEqualKernel: BinaryKernel {
  @inlinable public static func scalar(_ a: Float, _ b: Float) -> Float { a >= b ? 1 : 0 }
  @inlinable public static func simd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    SIMD8(repeating: 0).replacing(with: 1, where: a .>= b)
  }
}
public enum LessKernel: BinaryKernel {
  @inlinable public static func scalar(_ a: Float, _ b: Float) -> Float { a < b ? 1 : 0 }
  @inlinable public static func simd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    SIMD8(repeating: 0).replacing(with: 1, where: a .< b)
  }
}
public enum LessEqualKernel: BinaryKernel {
  @inlinable public static func scalar(_ a: Float, _ b: Float) -> Float { a <= b ? 1 : 0 }
  @inlinable public static func simd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    SIMD8(repeating: 0).replacing(with: 1, where: a .<= b)
  }
}
public enum EqualKernel: BinaryKernel {
  @inlinable public static func scalar(_ a: Float, _ b: Float) -> Float { a == b ? 1 : 0 }
  @inlinable public static func simd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    SIMD8(repeating: 0).replacing(with: 1, where: a .== b)
  }
}

public enum NegKernel: UnaryKernel {
  @inlinable public static func scalar(_ x: Float) -> Float { -x }
  @inlinable public static func simd(_ x: SIMD8<Float>) -> SIMD8<Float> { -x }
}
public enum ExpKernel: UnaryKernel {
  @inlinable public static func scalar(_ x: Float) -> Float { Foundation.exp(x) }
}
public enum LogKernel: UnaryKernel {
  @inlinable public static func scalar(_ x: Float) -> Float { Foundation.log(x) }
}
public enum SqrtKernel: UnaryKernel {
  @inlinable public static func scalar(_ x: Float) -> Float { x.squareRoot() }
  @inlinable public static func simd(_ x: SIMD8<Float>) -> SIMD8<Float> { x.vectorSquareRoot() }
}
public enum ReluKernel: UnaryKernel {
  @inlinable public static func scalar(_ x: Float) -> Float { x > 0 ? x : 0 }
  // Inlined by force: left to itself the compiler calls it once per vector from the maps.
  @inlinable @inline(__always)
  public static func simd(_ x: SIMD8<Float>) -> SIMD8<Float> { x.replacing(with: 0, where: x .< 0) }
}
public enum SigmoidKernel: UnaryKernel {
  @inlinable public static func scalar(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }
}
public enum TanhKernel: UnaryKernel {
  @inlinable public static func scalar(_ x: Float) -> Float { Foundation.tanh(x) }
}
/// PyTorch's softplus (beta 1, threshold 20): log(1 + eˣ), and x itself above the threshold.
public enum SoftplusKernel: UnaryKernel {
  @inlinable public static func scalar(_ x: Float) -> Float { x > 20 ? x : Foundation.log1p(Foundation.exp(x)) }
}
