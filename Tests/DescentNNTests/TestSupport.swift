import Foundation
import Testing
@testable import DescentNN
@testable import DescentTensor

/// The pseudo-random formula of Reference/resnet_reference.py: uniform-looking values in
/// [−1, 1), the same bits in Swift and Python (both call libm's sin).
func noise(_ n: Int, phase: Double) -> [Float] {
  (0..<n).map { i in
    let s = sin(12.9898 * Double(i) + 78.233 * phase) * 43758.5453
    return Float(2 * (s - s.rounded(.down)) - 1)
  }
}

/// Fills a model's state in `state_dict()` order as the reference script does.
func fillAsReference(_ model: Module) {
  noGrad {
    for (k, (name, t)) in model.namedState().enumerated() {
      var v = noise(t.count, phase: 0.1 * Double(k))
      if name.hasSuffix("running_mean") || name.hasSuffix("bias") {
        v = v.map { 0.1 * $0 }
      } else if name.hasSuffix("running_var") {
        v = v.map { 1 + 0.5 * abs($0) }
      } else if t.rank == 1 {
        v = v.map { 1 + 0.2 * $0 }
      } else {
        let scale = Float(6.0.squareRoot() / Double(t.count / t.shape[0]).squareRoot())
        v = v.map { $0 * scale }
      }
      _ = t.copy_(Tensor(v, shape: t.shape))
    }
  }
}

/// |a − b| ≤ tolerance · max|b| elementwise: relative to the tensor's scale, so that entries
/// near zero are not held to a tighter bound than the large ones.
func expectCloseToScale(_ a: [Float], _ b: [Float], tolerance: Float = 1e-4, _ what: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(a.count == b.count, "\(what): \(a.count) values vs \(b.count)", sourceLocation: sourceLocation)
  let scale = b.map(abs).max() ?? 0
  let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
  #expect(worst <= tolerance * scale, "\(what): worst difference \(worst) against scale \(scale)", sourceLocation: sourceLocation)
}

/// ‖a − b‖ / ‖b‖ ≤ tolerance: for gradients of deep ReLU + batch-norm networks, where a
/// rounding-level change can flip a near-zero ReLU and move single elements by percents
/// (Reference/gradient_sensitivity.py), while the vector as a whole stays put.
func expectRelativeL2(_ a: [Float], _ b: [Float], tolerance: Float, _ what: String,
                      sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(a.count == b.count, "\(what): \(a.count) values vs \(b.count)", sourceLocation: sourceLocation)
  let diff = zip(a, b).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
  let norm = b.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
  #expect(diff <= tolerance * norm, "\(what): relative L2 error \(diff / norm)", sourceLocation: sourceLocation)
}

/// 32 elements spread over a tensor, as the reference script's `sample`.
func sample(_ t: Tensor) -> [Float] {
  let step = max(1, t.count / 32)
  return Array(stride(from: 0, to: t.count, by: step).prefix(32).map { t.scalars[$0] })
}

let resourcesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources")
