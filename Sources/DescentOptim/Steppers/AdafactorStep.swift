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

  /// Two passes: the first updates the moments and leaves the update u = g/√estimate in the
  /// gradient's buffer (as fastai's L2 regularization changes `p.grad`), summing ‖p‖² and
  /// ‖u‖² on the way — each matrix's moments are complete before its elements are read
  /// again, while they are in cache; the second applies weight decay and the clipped step.
  static func step(_ s: TensorStepContext) {
    let t = (s.state.scalars["step"] ?? 0) + 1
    s.setScalar("step", t)
    let p = s.param, g = s.grad, n = p.count
    let moments = Moments(weight: Foundation.pow(t, s["beta2_decay"]), eps1: Float(s["eps1"]))
    let sums: Sums
    if p.rank >= 2 {
      let rows = p.shape[p.rank - 2], cols = p.shape[p.rank - 1]
      let lead = Array(p.shape.dropLast(2))
      let rowVar = s.state.buffers["row_var"] ?? Tensor.zeros(lead + [rows, 1])
      let colVar = s.state.buffers["col_var"] ?? Tensor.zeros(lead + [1, cols])
      s.state.buffers["row_var"] = rowVar
      s.state.buffers["col_var"] = colVar
      sums = moments.factored(p.pointer, g.pointer, rowVar.pointer, colVar.pointer, rows: rows, cols: cols, matrices: n / (rows * cols))
    } else {
      sums = moments.full(p.pointer, g.pointer, s.buffer("variance").pointer, n)
    }
    let rho = Swift.min(s["lr"], 1 / t.squareRoot())
    let alpha = Swift.max(s["eps2"], (sums.parameter / Double(n)).squareRoot()) * rho
    let clip = Swift.max(1, (sums.update.squareRoot() / Double(n).squareRoot()) / s["clip_threshold"])
    let decay = Float(s.doWD && s["wd"] != 0 ? 1 - s["lr"] * s["wd"] : 1), scale = Float(-alpha / clip)
    // torch: p.mul_(1 − lr·wd), then p.add_(u, alpha: −α/clip), a fused multiply-add.
    let pp = p.pointer, up = g.pointer
    Parallel.chunks(n & ~7) { lo, hi in
      let d = SIMD8<Float>(repeating: decay), k = SIMD8<Float>(repeating: scale)
      var i = lo
      while i < hi {
        (SIMD8.load(pp, i) * d).addingProduct(k, SIMD8.load(up, i)).store(pp, i)
        i += 8
      }
    }
    for i in (n & ~7)..<n { pp[i] = (pp[i] * decay).addingProduct(scale, up[i]) }
  }

  /// ‖p‖² and ‖u‖², in Double.
  struct Sums {
    var parameter = 0.0, update = 0.0
    static func + (a: Sums, b: Sums) -> Sums { Sums(parameter: a.parameter + b.parameter, update: a.update + b.update) }
  }

  /// The moments' update and the update u, per layout.
  struct Moments {
    let lerp: TorchLerp
    let eps1: Float, eps1Squared: SIMD8<Float>

    init(weight: Double, eps1: Float) {
      lerp = TorchLerp(weight: weight)
      self.eps1 = eps1
      eps1Squared = SIMD8(repeating: eps1 * eps1)
    }

    /// torch's `var_estimate.clamp_(min=eps1²).rsqrt_().mul_(grad)`.
    @inline(__always) func update(_ estimate: SIMD8<Float>, _ g: SIMD8<Float>) -> SIMD8<Float> {
      1 / estimate.replacing(with: eps1Squared, where: estimate .< eps1Squared).vectorSquareRoot() * g
    }

    /// The same for one element (tails shorter than a lane).
    @inline(__always) func update(_ estimate: Float, _ g: Float) -> Float {
      1 / Swift.max(estimate, eps1 * eps1).squareRoot() * g
    }

    /// One 3×3 matrix's moments, as the general loop computes them (sums in the same order),
    /// leaving row·col and the mean of the rows for its nine elements.
    @inline(__always)
    func kernel3x3(_ m: UnsafeMutablePointer<Float>, _ rb: UnsafeMutablePointer<Float>, _ cb: UnsafeMutablePointer<Float>,
                   _ product: UnsafeMutablePointer<Float>, _ mean: UnsafeMutablePointer<Float>) {
      let s0 = m[0] * m[0], s1 = m[1] * m[1], s2 = m[2] * m[2]
      let s3 = m[3] * m[3], s4 = m[4] * m[4], s5 = m[5] * m[5]
      let s6 = m[6] * m[6], s7 = m[7] * m[7], s8 = m[8] * m[8]
      let r0 = lerp.apply(rb[0], (s0 + s1 + s2) / 3), r1 = lerp.apply(rb[1], (s3 + s4 + s5) / 3)
      let r2 = lerp.apply(rb[2], (s6 + s7 + s8) / 3)
      let c0 = lerp.apply(cb[0], (s0 + s3 + s6) / 3), c1 = lerp.apply(cb[1], (s1 + s4 + s7) / 3)
      let c2 = lerp.apply(cb[2], (s2 + s5 + s8) / 3)
      rb[0] = r0; rb[1] = r1; rb[2] = r2
      cb[0] = c0; cb[1] = c1; cb[2] = c2
      let average = Swift.max((r0 + r1 + r2) / 3, eps1)
      product[0] = r0 * c0; product[1] = r0 * c1; product[2] = r0 * c2
      product[3] = r1 * c0; product[4] = r1 * c1; product[5] = r1 * c2
      product[6] = r2 * c0; product[7] = r2 * c1; product[8] = r2 * c2
      for j in 0..<9 { mean[j] = average }
    }

    /// A vector's full second moment: v ← lerp(v, g², w); u = g/√v.
    func full(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ n: Int) -> Sums {
      var sums = Sums()
      var pSum = SIMD8<Float>(), uSum = SIMD8<Float>()
      var i = 0
      while i + 8 <= n {
        let gv = SIMD8.load(g, i), pv = SIMD8.load(p, i)
        let vv = lerp.apply(SIMD8.load(v, i), gv * gv)
        vv.store(v, i)
        let u = update(vv, gv)
        u.store(g, i)
        pSum += pv * pv
        uSum += u * u
        i += 8
      }
      sums.parameter = Double(pSum.sum())
      sums.update = Double(uSum.sum())
      for j in i..<n {
        v[j] = lerp.apply(v[j], g[j] * g[j])
        let u = update(v[j], g[j])
        g[j] = u
        sums.parameter += Double(p[j] * p[j])
        sums.update += Double(u * u)
      }
      return sums
    }

    /// Factored moments of `matrices` row-major rows × cols matrices, on all cores. Matrices go
    /// in groups whose elements fill whole lanes of 8 (eight 3×3 kernels are 72 elements): per
    /// matrix, the row and column averages of g² and the products row·col, then for the group
    /// at once, in lanes, the estimate row·col/mean(row) and u = g/√estimate.
    func factored(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ rv: UnsafeMutablePointer<Float>,
                  _ cv: UnsafeMutablePointer<Float>, rows: Int, cols: Int, matrices: Int) -> Sums {
      let size = rows * cols
      var group = 1
      while (group * size) % 8 != 0 { group *= 2 }
      let groups = matrices / group, span = group * size
      let workers = Swift.max(1, Swift.min(Parallel.threads, matrices * size / Parallel.minimumParallelElements, groups))
      var partials = [Sums](repeating: Sums(), count: workers)
      partials.withUnsafeMutableBufferPointer { out in
        Parallel.forEach(workers) { w in
          let product = UnsafeMutablePointer<Float>.allocate(capacity: span)
          let mean = UnsafeMutablePointer<Float>.allocate(capacity: span)
          let colSums = UnsafeMutablePointer<Float>.allocate(capacity: cols)
          defer { product.deallocate(); mean.deallocate(); colSums.deallocate() }
          var pSum = SIMD8<Float>(), uSum = SIMD8<Float>()
          var tail = Sums()
          // The last worker also takes the matrices that do not fill a group.
          let first = groups * w / workers * group
          let end = w == workers - 1 ? matrices : groups * (w + 1) / workers * group
          var b = first
          while b < end {
            let count = Swift.min(group, end - b)
            if rows == 3 && cols == 3 {
              // ResNets' 3×3 kernels, nearly all their weights: the same moments unrolled.
              for k in 0..<count { kernel3x3(g + (b + k) * 9, rv + (b + k) * 3, cv + (b + k) * 3, product + k * 9, mean + k * 9) }
            } else {
            for k in 0..<count {
              let m = g + (b + k) * size, rb = rv + (b + k) * rows, cb = cv + (b + k) * cols
              // torch's ‖g‖² per row / cols and per column / rows, then lerp.
              for c in 0..<cols { colSums[c] = 0 }
              var rowTotal: Float = 0
              for r in 0..<rows {
                var sum: Float = 0
                for c in 0..<cols {
                  let x = m[r * cols + c]
                  sum += x * x
                  colSums[c] += x * x
                }
                rb[r] = lerp.apply(rb[r], sum / Float(cols))
                rowTotal += rb[r]
              }
              for c in 0..<cols { cb[c] = lerp.apply(cb[c], colSums[c] / Float(rows)) }
              let matrixMean = Swift.max(rowTotal / Float(rows), eps1)
              let base = k * size
              for r in 0..<rows {
                let row = rb[r]
                for c in 0..<cols { product[base + r * cols + c] = row * cb[c] }
              }
              (mean + base).update(repeating: matrixMean, count: size)
            }
            }
            let m = g + b * size, pm = p + b * size, elements = count * size
            if count == group {
              // A whole group starts on a multiple of 8 elements: aligned lanes.
              var i = 0
              while i < elements {
                let gv = SIMD8.load(m, i), pv = SIMD8.load(pm, i)
                let u = update(SIMD8.load(product, i) / SIMD8.load(mean, i), gv)
                u.store(m, i)
                pSum += pv * pv
                uSum += u * u
                i += 8
              }
            } else {
              for j in 0..<elements {
                let u = update(product[j] / mean[j], m[j])
                m[j] = u
                tail.parameter += Double(pm[j] * pm[j])
                tail.update += Double(u * u)
              }
            }
            b += count
          }
          out[w] = tail + Sums(parameter: Double(pSum.sum()), update: Double(uSum.sum()))
        }
      }
      return partials.reduce(Sums(), +)
    }
  }
}
