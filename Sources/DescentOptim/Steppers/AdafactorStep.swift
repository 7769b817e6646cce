import DescentTensor
import Foundation

/// Adafactor's step (Shazeer & Stern 2018; the update of `torch.optim.Adafactor`, whose
/// conventions it follows): no first moment, and for a parameter of rank ≥ 2 the second
/// moment factored over its last two dimensions — a row average (state `row_var`, shape
/// […, R, 1]) and a column average (`col_var`, […, 1, C]) per R × C matrix, whose outer product
/// over the row average's mean estimates it. Vectors keep a full `variance`. The relative step
/// ρ = min(lr, 1/√t) is scaled by the parameter's RMS (at least eps2), the moments decay with
/// 1 − β2ₜ = t^beta2_decay, and the update's RMS is clipped at `clip_threshold` (torch's `d`).
///
/// Three passes over each parameter: the moments and ‖p‖ (a reduction), ‖update‖ (a second
/// reduction: the clip needs it before anything moves), then weight decay and the step. The
/// passes run on all cores; row and column sums accumulate in Double.
public struct AdafactorStep {
  public static var stepper: TensorStepper {
    TensorStepper("adafactor", defaults: ["beta2_decay": -0.8, "eps1": Double(Float.ulpOfOne), "eps2": 1e-3,
                                          "clip_threshold": 1, "wd": 0]) { s in
      step(s)
    }
  }

  static func step(_ s: TensorStepContext) {
    let t = (s.state.scalars["step"] ?? 0) + 1
    s.setScalar("step", t)
    let p = s.param, g = s.grad, n = p.count
    let w = Foundation.pow(t, s["beta2_decay"]), rho = Swift.min(s["lr"], 1 / t.squareRoot())
    let eps1 = Float(s["eps1"]), eps1Squared = eps1 * eps1
    let rms = (sumOfSquares(p.pointer, n) / Double(n)).squareRoot()
    let alpha = Swift.max(s["eps2"], rms) * rho
    if s.doWD && s["wd"] != 0 { p.mul_(Float(1 - s["lr"] * s["wd"])) }
    let lerp = TorchLerp(weight: w)
    let gp = g.pointer, pp = p.pointer
    var updateSquares = 0.0
    let scale: Double
    if p.rank >= 2 {
      let rows = p.shape[p.rank - 2], cols = p.shape[p.rank - 1], matrices = n / (rows * cols)
      let lead = Array(p.shape.dropLast(2))
      let rowVar = s.state.buffers["row_var"] ?? Tensor.zeros(lead + [rows, 1])
      let colVar = s.state.buffers["col_var"] ?? Tensor.zeros(lead + [1, cols])
      s.state.buffers["row_var"] = rowVar
      s.state.buffers["col_var"] = colVar
      let rv = rowVar.pointer, cv = colVar.pointer
      // Per matrix: the moments, then max(mean of the row averages, eps1).
      let rowMean = UnsafeMutablePointer<Float>.allocate(capacity: matrices)
      defer { rowMean.deallocate() }
      ranges(matrices, rows * cols) { lo, hi in
        var colSums = [Double](repeating: 0, count: cols)
        for b in lo..<hi {
          let m = gp + b * rows * cols
          for c in 0..<cols { colSums[c] = 0 }
          var rowTotal: Double = 0
          for r in 0..<rows {
            var sum: Double = 0
            for c in 0..<cols {
              let x = Double(m[r * cols + c])
              sum += x * x
              colSums[c] += x * x
            }
            let updated = lerp.apply(rv[b * rows + r], Float(sum / Double(cols)))
            rv[b * rows + r] = updated
            rowTotal += Double(updated)
          }
          for c in 0..<cols { cv[b * cols + c] = lerp.apply(cv[b * cols + c], Float(colSums[c] / Double(rows))) }
          rowMean[b] = Swift.max(Float(rowTotal / Double(rows)), eps1)
        }
      }
      // torch: (row_var @ col_var) / mean, clamped at eps1², then rsqrt, times the gradient.
      let factored = { (b: Int, r: Int, c: Int) -> Float in
        let estimate = Swift.max(rv[b * rows + r] * cv[b * cols + c] / rowMean[b], eps1Squared)
        return 1 / estimate.squareRoot() * gp[(b * rows + r) * cols + c]
      }
      updateSquares = sum(matrices, rows * cols) { lo, hi in
        var total: Double = 0
        for b in lo..<hi { for r in 0..<rows { for c in 0..<cols { let u = Double(factored(b, r, c)); total += u * u } } }
        return total
      }
      scale = -alpha / Swift.max(1, (updateSquares.squareRoot() / Double(n).squareRoot()) / s["clip_threshold"])
      let step = Float(scale)
      ranges(matrices, rows * cols) { lo, hi in
        for b in lo..<hi {
          for r in 0..<rows {
            for c in 0..<cols {
              let i = (b * rows + r) * cols + c
              pp[i] = pp[i].addingProduct(step, factored(b, r, c))
            }
          }
        }
      }
    } else {
      let variance = s.buffer("variance").pointer
      let inverseRoot = { (i: Int) -> Float in 1 / Swift.max(variance[i], eps1Squared).squareRoot() * gp[i] }
      for i in 0..<n { variance[i] = lerp.apply(variance[i], gp[i] * gp[i]) }
      for i in 0..<n { let u = Double(inverseRoot(i)); updateSquares += u * u }
      scale = -alpha / Swift.max(1, (updateSquares.squareRoot() / Double(n).squareRoot()) / s["clip_threshold"])
      let step = Float(scale)
      for i in 0..<n { pp[i] = pp[i].addingProduct(step, inverseRoot(i)) }
    }
  }

  /// Σ x² in Double, on all cores.
  static func sumOfSquares(_ x: UnsafeMutablePointer<Float>, _ n: Int) -> Double {
    sum(n, 1) { lo, hi in
      var total: Double = 0
      for i in lo..<hi { total += Double(x[i]) * Double(x[i]) }
      return total
    }
  }

  /// `body` over [0, count) split across the cores when count × cost is large enough.
  static func ranges(_ count: Int, _ cost: Int, _ body: (Int, Int) -> Void) {
    _ = sum(count, cost) { lo, hi in body(lo, hi); return 0 }
  }

  /// The sum of `body` over [0, count) split across the cores, added in a fixed order.
  static func sum(_ count: Int, _ cost: Int, _ body: (Int, Int) -> Double) -> Double {
    let workers = Swift.max(1, Swift.min(Parallel.threads, count * cost / Parallel.minimumParallelElements, count))
    var partials = [Double](repeating: 0, count: workers)
    partials.withUnsafeMutableBufferPointer { out in
      Parallel.forEach(workers) { w in out[w] = body(count * w / workers, count * (w + 1) / workers) }
    }
    return partials.reduce(0, +)
  }
}
