import Foundation
import Testing
@testable import DescentTensor

/// Deterministic test inputs; the same formula is used by the PyTorch reference scripts in
/// Reference/, so tests regenerate the inputs without random-number parity.
enum Fixture {
  static func values(_ n: Int, phase: Double = 0, scale: Double = 2) -> [Float] {
    (0..<n).map { i in
      let x = Double(i)
      let v: Double = scale * sin(0.37 * x + phase) + 0.1 * cos(1.3 * x)
      return Float(v)
    }
  }

  static func tensor(_ shape: [Int], phase: Double = 0, scale: Double = 2, requiresGrad: Bool = false) -> Tensor {
    Tensor(values(Shape.count(shape), phase: phase, scale: scale), shape: shape, requiresGrad: requiresGrad)
  }
}

/// Asserts |a − b| ≤ rtol·|b| + atol elementwise, reporting the first mismatch.
func expectClose(_ a: [Float], _ b: [Float], rtol: Float = 1e-4, atol: Float = 1e-5, _ what: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(a.count == b.count, "\(what): counts differ, \(a.count) vs \(b.count)", sourceLocation: sourceLocation)
  for (i, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= rtol * abs(y) + atol) {
    Issue.record("\(what) element \(i): \(x) vs expected \(y)", sourceLocation: sourceLocation)
    return
  }
}

/// Finite-difference gradient check: compares the gradients `backward()` gives for
/// L = Σ f(inputs) · w (w fixed, so non-scalar outputs are checked in every element) with
/// central differences of L, as a relative error over the whole gradient vector.
func expectGradientsMatch(
  _ inputs: [Tensor], step: Float = 1e-2, tolerance: Double = 1e-2,
  sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor
) {
  for t in inputs { t.requiresGrad = true; t.grad = nil }
  let probe = noGrad { f(inputs) }
  let weights = Fixture.values(probe.count, phase: 0.5, scale: 1).map { $0 + 0.3 }
  func loss() -> Double {
    let out = noGrad { f(inputs) }
    return zip(out.scalars, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
  }
  let out = f(inputs)
  do {
    try (out * Tensor(weights, shape: out.shape)).sum().backward()
  } catch {
    Issue.record("backward failed: \(error)", sourceLocation: sourceLocation)
    return
  }
  for (n, t) in inputs.enumerated() {
    var diff = 0.0, norm = 0.0
    let analytic = t.grad?.scalars ?? [Float](repeating: 0, count: t.count)
    for i in 0..<t.count {
      let saved = t.pointer[i]
      t.pointer[i] = saved + step
      let plus = loss()
      t.pointer[i] = saved - step
      let minus = loss()
      t.pointer[i] = saved
      let numeric = (plus - minus) / (2 * Double(step))
      diff += (numeric - Double(analytic[i])) * (numeric - Double(analytic[i]))
      norm = Swift.max(norm, numeric * numeric, Double(analytic[i]) * Double(analytic[i]))
    }
    let relative = diff.squareRoot() / Swift.max(norm.squareRoot(), 1e-6)
    #expect(relative < tolerance, "input \(n) of shape \(t.shape): relative gradient error \(relative)", sourceLocation: sourceLocation)
  }
}
