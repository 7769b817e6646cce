import Testing
import DescentTensor

/// SIMD8<Float>'s operators (one C vector operation each, see VectorMath.swift) round exactly as
/// IEEE float32 lane by lane: no fused multiply-add creeps in when a product meets a sum.
@Suite struct VectorMathTests {
  static let a = SIMD8<Float>(1.1, -2.3, 3.7e-8, 4e30, 0.1, -0.7, 1e-3, 9.9)
  static let b = SIMD8<Float>(0.3, 7.1, -1.3e-8, 2e-9, 0.3, 0.7, 3e3, -0.11)
  static let c = SIMD8<Float>(-0.33, 1e-7, 2.5, -1, 0.03, 0.49, -3, 1.1e-5)

  @Test func eachOperatorIsTheLanewiseIEEEResult() {
    let (a, b, c) = (Self.a, Self.b, Self.c)
    for i in 0..<8 {
      #expect((a + b)[i].bitPattern == (a[i] + b[i]).bitPattern)
      #expect((a - b)[i].bitPattern == (a[i] - b[i]).bitPattern)
      #expect((a * b)[i].bitPattern == (a[i] * b[i]).bitPattern)
      #expect((a / b)[i].bitPattern == (a[i] / b[i]).bitPattern)
      // A product then a sum: two roundings, as the scalar code does, not one fused one.
      #expect((a * b + c)[i].bitPattern == ((a[i] * b[i]) + c[i]).bitPattern)
    }
    var d = a
    d += b
    d *= c
    d -= a
    d /= b
    for i in 0..<8 { #expect(d[i].bitPattern == ((((a[i] + b[i]) * c[i]) - a[i]) / b[i]).bitPattern) }
  }

  /// The lanes above tell one rounding from two: in at least one, a fused multiply-add differs
  /// from the product rounded and then the sum, so the check of `a * b + c` can fail.
  @Test func theLanesTellAFusedMultiplyAddApart() {
    let (a, b, c) = (Self.a, Self.b, Self.c)
    var differing = 0
    for i in 0..<8 {
      let product: Float = a[i] * b[i]
      let twoRoundings: Float = product + c[i]
      let oneRounding: Float = c[i].addingProduct(a[i], b[i])
      if twoRoundings.bitPattern != oneRounding.bitPattern { differing += 1 }
    }
    #expect(differing > 0)
  }
}
