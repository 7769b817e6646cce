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
/// Two passes, because the clip needs ‖update‖ before anything moves: the first updates the
/// moments and leaves the update u = g/√estimate in the gradient's buffer (as fastai's L2
/// regularization changes `p.grad`), summing ‖p‖² and ‖u‖² on the way — each matrix's moments
/// are complete before its elements are read again, while they are in cache; the second
/// applies weight decay and the clipped step. It is an all-parameters stepper so that each pass runs
/// once over every parameter laid end to end, cut into one range per core, as a fused stage
/// does: a pass per parameter would wait at a barrier ~200 times a step for ResNet-34, and on
/// a machine whose cores are shared each barrier waits for the slower core.
public struct AdafactorStep: AllParametersStepper {
  public let lr = Hyper("lr"), beta2Decay = Hyper("beta2_decay", default: -0.8), eps1 = Hyper("eps1", default: Double(Float.ulpOfOne))
  public let eps2 = Hyper("eps2", default: 1e-3), clipThreshold = Hyper("clip_threshold", default: 1), wd = Hyper("wd", default: 0)
  /// The cores the first pass is split over (tests set it; by default, the cores the size warrants).
  let workers: Int?
  public var readsGradients: Bool { true }

  public init() { workers = nil }
  init(workers: Int) { self.workers = workers }

  /// One parameter's share of the step: its buffers, its layout and the unit of work a core
  /// takes whole (a group of matrices that fills lanes, or a lane of elements).
  struct Work {
    let p, g, rows, cols: UnsafeMutablePointer<Float>
    let layout: Layout
    let count, atom, start: Int
    let moments: Moments
  }

  enum Layout {
    /// A vector: `rows` holds its full second moment.
    case full
    /// 1 × 1 matrices (a 1×1 convolution): elementwise.
    case unit
    /// R × C matrices, in groups of `group`.
    case factored(rows: Int, cols: Int, group: Int)
  }

  public func step(_ items: [StepContext]) {
    var works: [Work] = []
    var total = 0, widestRow = 1, widestGroup = 8
    for item in items {
      let t = (item.state.scalars["step"] ?? 0) + 1
      item.state.scalars["step"] = t
      let p = item.param, g = item.grad, n = p.count
      let moments = Moments(weight: Foundation.pow(t, item[beta2Decay]), eps1: Float(item[eps1]))
      let work: Work
      if p.rank >= 2 {
        let rows = p.shape[p.rank - 2], cols = p.shape[p.rank - 1], size = rows * cols
        let lead = Array(p.shape.dropLast(2))
        let rowVar = item.state.buffers["row_var"] ?? Tensor.zeros(lead + [rows, 1])
        let colVar = item.state.buffers["col_var"] ?? Tensor.zeros(lead + [1, cols])
        item.state.buffers["row_var"] = rowVar
        item.state.buffers["col_var"] = colVar
        var group = 1
        while (group * size) % 8 != 0 { group *= 2 }
        let layout: Layout = size == 1 ? .unit : .factored(rows: rows, cols: cols, group: group)
        work = Work(p: p.pointer, g: g.pointer, rows: rowVar.pointer, cols: colVar.pointer, layout: layout, count: n,
                    atom: size == 1 ? 8 : group * size, start: total, moments: moments)
        widestRow = Swift.max(widestRow, cols)
        widestGroup = Swift.max(widestGroup, group * size)
      } else {
        let v = item.state.buffer("variance", like: g)
        work = Work(p: p.pointer, g: g.pointer, rows: v.pointer, cols: v.pointer, layout: .full, count: n, atom: 8,
                    start: total, moments: moments)
      }
      works.append(work)
      total += n
    }
    let sums = Self.moments(works, total: total, scratch: (widestGroup, widestRow), workers: workers)
    var decays: [Float] = [], scales: [Float] = []
    for (item, sum) in zip(items, sums) {
      let n = Double(item.param.count), t = item.state.scalars["step"]!
      let rho = Swift.min(item[lr], 1 / t.squareRoot())
      let alpha = Swift.max(item[eps2], (sum.parameter / n).squareRoot()) * rho
      let clip = Swift.max(1, (sum.update.squareRoot() / n.squareRoot()) / item[clipThreshold])
      decays.append(Float(item.doWD && item[wd] != 0 ? 1 - item[lr] * item[wd] : 1))
      scales.append(Float(-alpha / clip))
    }
    Self.apply(works, total: total, decays: decays, scales: scales)
  }

  /// The first pass over every parameter on all cores: each core takes the whole units of work
  /// that start in its range of the concatenated elements. Returns each parameter's sums.
  static func moments(_ works: [Work], total: Int, scratch: (span: Int, cols: Int), workers: Int?) -> [Sums] {
    let workers = workers ?? Swift.max(1, Swift.min(Parallel.threads, total / Parallel.minimumParallelElements))
    var partials = [Sums](repeating: Sums(), count: workers * works.count)
    partials.withUnsafeMutableBufferPointer { out in
      Parallel.forEach(workers) { w in
        let lo = total * w / workers, hi = total * (w + 1) / workers
        let estimate = UnsafeMutablePointer<Float>.allocate(capacity: scratch.span)
        let colSums = UnsafeMutablePointer<Float>.allocate(capacity: scratch.cols)
        defer { estimate.deallocate(); colSums.deallocate() }
        for (i, work) in works.enumerated() where work.start < hi && work.start + work.count > lo {
          // Units whose first element lies in lo..<hi: both ends rounded up to a unit's start.
          func unitStart(_ offset: Int) -> Int { (offset - work.start + work.atom - 1) / work.atom * work.atom }
          let first = unitStart(Swift.max(lo, work.start)), end = Swift.min(work.count, unitStart(Swift.min(hi, work.start + work.count)))
          guard first < end else { continue }
          let m = work.moments, count = end - first
          switch work.layout {
          case .full:
            out[w * works.count + i] = m.full(work.p + first, work.g + first, work.rows + first, count)
          case .unit:
            out[w * works.count + i] = m.unit(work.p + first, work.g + first, work.rows + first, work.cols + first, count)
          case .factored(let rows, let cols, let group):
            let size = rows * cols, matrix = first / size
            out[w * works.count + i] = m.factored(work.p + first, work.g + first, work.rows + matrix * rows, work.cols + matrix * cols,
                                                  rows: rows, cols: cols, matrices: count / size, group: group,
                                                  estimate: estimate, colSums: colSums)
          }
        }
      }
    }
    return (0..<works.count).map { i in (0..<workers).reduce(Sums()) { $0 + partials[$1 * works.count + i] } }
  }

  /// The second pass, torch's p.mul_(1 − lr·wd) then p.add_(u, alpha: −α/clip) (a fused
  /// multiply-add), over every parameter laid end to end, on all cores.
  static func apply(_ works: [Work], total: Int, decays: [Float], scales: [Float]) {
    Parallel.chunks(total) { lo, hi in
      for (i, work) in works.enumerated() where work.start < hi && work.start + work.count > lo {
        let from = Swift.max(lo, work.start) - work.start, to = Swift.min(hi, work.start + work.count) - work.start
        let pp = work.p, up = work.g, decay = decays[i], scale = scales[i]
        let d = SIMD8<Float>(repeating: decay), k = SIMD8<Float>(repeating: scale)
        var j = from
        while j + 8 <= to {
          (SIMD8.load(pp, j) * d).addingProduct(k, SIMD8.load(up, j)).store(pp, j)
          j += 8
        }
        while j < to {
          pp[j] = (pp[j] * decay).addingProduct(scale, up[j])
          j += 1
        }
      }
    }
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

    /// torch's `var_estimate.clamp_(min=eps1²).rsqrt_().mul_(grad)`, as g/√estimate: one
    /// division instead of two, within an ulp of torch's rounding.
    @inline(__always) func update(_ estimate: SIMD8<Float>, _ g: SIMD8<Float>) -> SIMD8<Float> {
      g / estimate.replacing(with: eps1Squared, where: estimate .< eps1Squared).vectorSquareRoot()
    }

    /// The same for one element (tails shorter than a lane).
    @inline(__always) func update(_ estimate: Float, _ g: Float) -> Float {
      g / Swift.max(estimate, eps1 * eps1).squareRoot()
    }

    /// One 3×3 matrix's moments, as the general loop computes them (sums in the same order),
    /// leaving its nine estimates row·col/mean(rows). torch divides each product by the mean;
    /// scaling the rows by the mean's reciprocal costs one division per matrix, within 2 ulps.
    @inline(__always)
    func kernel3x3(_ m: UnsafeMutablePointer<Float>, _ rb: UnsafeMutablePointer<Float>, _ cb: UnsafeMutablePointer<Float>,
                   _ estimate: UnsafeMutablePointer<Float>) {
      let s0 = m[0] * m[0], s1 = m[1] * m[1], s2 = m[2] * m[2]
      let s3 = m[3] * m[3], s4 = m[4] * m[4], s5 = m[5] * m[5]
      let s6 = m[6] * m[6], s7 = m[7] * m[7], s8 = m[8] * m[8]
      let r0 = lerp.apply(rb[0], (s0 + s1 + s2) / 3), r1 = lerp.apply(rb[1], (s3 + s4 + s5) / 3)
      let r2 = lerp.apply(rb[2], (s6 + s7 + s8) / 3)
      let c0 = lerp.apply(cb[0], (s0 + s3 + s6) / 3), c1 = lerp.apply(cb[1], (s1 + s4 + s7) / 3)
      let c2 = lerp.apply(cb[2], (s2 + s5 + s8) / 3)
      rb[0] = r0; rb[1] = r1; rb[2] = r2
      cb[0] = c0; cb[1] = c1; cb[2] = c2
      let inverse = 1 / Swift.max((r0 + r1 + r2) / 3, eps1)
      let q0 = r0 * inverse, q1 = r1 * inverse, q2 = r2 * inverse
      estimate[0] = q0 * c0; estimate[1] = q0 * c1; estimate[2] = q0 * c2
      estimate[3] = q1 * c0; estimate[4] = q1 * c1; estimate[5] = q1 * c2
      estimate[6] = q2 * c0; estimate[7] = q2 * c1; estimate[8] = q2 * c2
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

    /// Factored moments of 1 × 1 matrices (a 1×1 convolution's weights), elementwise in lanes:
    /// row and column averages are both g², and the estimate row·col/row.
    func unit(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ rv: UnsafeMutablePointer<Float>,
              _ cv: UnsafeMutablePointer<Float>, _ n: Int) -> Sums {
      let floor = SIMD8<Float>(repeating: eps1)
      var pSum = SIMD8<Float>(), uSum = SIMD8<Float>()
      var i = 0
      while i + 8 <= n {
        let gv = SIMD8.load(g, i), pv = SIMD8.load(p, i), square = gv * gv
        let r = lerp.apply(SIMD8.load(rv, i), square), c = lerp.apply(SIMD8.load(cv, i), square)
        r.store(rv, i)
        c.store(cv, i)
        let u = update(r * (1 / r.replacing(with: floor, where: r .< floor)) * c, gv)
        u.store(g, i)
        pSum += pv * pv
        uSum += u * u
        i += 8
      }
      var sums = Sums(parameter: Double(pSum.sum()), update: Double(uSum.sum()))
      for j in i..<n {
        rv[j] = lerp.apply(rv[j], g[j] * g[j])
        cv[j] = lerp.apply(cv[j], g[j] * g[j])
        let u = update(rv[j] * (1 / Swift.max(rv[j], eps1)) * cv[j], g[j])
        g[j] = u
        sums.parameter += Double(p[j] * p[j])
        sums.update += Double(u * u)
      }
      return sums
    }

    /// Factored moments of `matrices` row-major rows × cols matrices. Matrices go in groups
    /// whose elements fill whole lanes of 8 (eight 3×3 kernels are 72 elements): per matrix,
    /// the row and column averages of g² and the estimates row·col/mean(row), then for the group
    /// at once, in lanes, u = g/√estimate. `estimate` holds a group, `colSums` a row.
    func factored(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ rv: UnsafeMutablePointer<Float>,
                  _ cv: UnsafeMutablePointer<Float>, rows: Int, cols: Int, matrices: Int, group: Int,
                  estimate: UnsafeMutablePointer<Float>, colSums: UnsafeMutablePointer<Float>) -> Sums {
      let size = rows * cols
      var pSum = SIMD8<Float>(), uSum = SIMD8<Float>()
      var tail = Sums()
      var b = 0
      while b < matrices {
        let count = Swift.min(group, matrices - b)
        if rows == 3 && cols == 3 {
          // ResNets' 3×3 kernels, nearly all their weights: the same moments unrolled.
          for k in 0..<count { kernel3x3(g + (b + k) * 9, rv + (b + k) * 3, cv + (b + k) * 3, estimate + k * 9) }
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
            let inverse = 1 / Swift.max(rowTotal / Float(rows), eps1)
            let base = k * size
            for r in 0..<rows {
              let row = rb[r] * inverse
              for c in 0..<cols { estimate[base + r * cols + c] = row * cb[c] }
            }
          }
        }
        let m = g + b * size, pm = p + b * size, elements = count * size
        if count == group {
          // A whole group is a multiple of 8 elements: whole lanes.
          var i = 0
          while i < elements {
            let gv = SIMD8.load(m, i), pv = SIMD8.load(pm, i)
            let u = update(SIMD8.load(estimate, i), gv)
            u.store(m, i)
            pSum += pv * pv
            uSum += u * u
            i += 8
          }
        } else {
          for j in 0..<elements {
            let u = update(estimate[j], m[j])
            m[j] = u
            tail.parameter += Double(pm[j] * pm[j])
            tail.update += Double(u * u)
          }
        }
        b += count
      }
      return tail + Sums(parameter: Double(pSum.sum()), update: Double(uSum.sum()))
    }
  }
}
