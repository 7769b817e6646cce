/// Adaptive average and max 2-D pooling over NCHW Float32 buffers: each plane of height×width
/// is pooled to outHeight×outWidth with PyTorch's bins, start = ⌊i·H/oh⌋, end = ⌈(i+1)·H/oh⌉,
/// so bins may overlap when sizes do not divide. oneDNN has no adaptive pooling (its windows
/// have one fixed size), so this runs in Swift, one N·C plane per task.
///
/// Outputs and input gradients are overwritten. Max pooling records, per output element, the
/// index of its maximum inside the plane (h·width + w, as PyTorch's `return_indices`), in an
/// Int32 buffer of N·C·oh·ow elements the caller allocates.
public enum AdaptivePoolingKernels {
  public static func avgPool2dForward(
    input: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int,
    outHeight: Int, outWidth: Int, output: UnsafeMutablePointer<Float>
  ) {
    Bins.with(height: height, width: width, outHeight: outHeight, outWidth: outWidth) { bins in
      forEachPlane(batch * channels, bins) { plane in
        let x = input + plane * height * width
        let y = output + plane * outHeight * outWidth
        for i in 0..<outHeight {
          let (h0, h1) = bins.rows(i)
          for j in 0..<outWidth {
            let (w0, w1) = bins.columns(j)
            var sum: Float = 0
            if w1 - w0 == width {
              // Full-width bins (global pooling in every classifier head) are one contiguous run.
              sum = contiguousSum(x + h0 * width, (h1 - h0) * width)
            } else {
              for h in h0..<h1 {
                let row = x + h * width
                for w in w0..<w1 { sum += row[w] }
              }
            }
            y[i * outWidth + j] = sum / Float((h1 - h0) * (w1 - w0))
          }
        }
      }
    }
  }

  /// Spreads each output gradient evenly over its bin; overlapping bins add up.
  public static func avgPool2dBackward(
    gradOutput: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int,
    outHeight: Int, outWidth: Int, gradInput: UnsafeMutablePointer<Float>
  ) {
    Bins.with(height: height, width: width, outHeight: outHeight, outWidth: outWidth) { bins in
      forEachPlane(batch * channels, bins) { plane in
        let dx = gradInput + plane * height * width
        let dy = gradOutput + plane * outHeight * outWidth
        if outHeight == 1 && outWidth == 1 {
          // Global pooling: one bin, one write pass.
          dx.update(repeating: dy[0] / Float(height * width), count: height * width)
          return
        }
        dx.update(repeating: 0, count: height * width)
        for i in 0..<outHeight {
          let (h0, h1) = bins.rows(i)
          for j in 0..<outWidth {
            let (w0, w1) = bins.columns(j)
            let g = dy[i * outWidth + j] / Float((h1 - h0) * (w1 - w0))
            for h in h0..<h1 {
              let row = dx + h * width
              for w in w0..<w1 { row[w] += g }
            }
          }
        }
      }
    }
  }

  /// Max over each bin as PyTorch's loop picks it: ties keep the first in row order, and a NaN
  /// beats any number (the last NaN of the bin, as its `v > best || isnan(v)` test gives).
  public static func maxPool2dForward(
    input: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int,
    outHeight: Int, outWidth: Int, output: UnsafeMutablePointer<Float>,
    indices: UnsafeMutablePointer<Int32>
  ) {
    precondition(height * width <= Int(Int32.max), "plane too large for Int32 indices")
    Bins.with(height: height, width: width, outHeight: outHeight, outWidth: outWidth) { bins in
      forEachPlane(batch * channels, bins) { plane in
        let x = input + plane * height * width
        let y = output + plane * outHeight * outWidth
        let index = indices + plane * outHeight * outWidth
        for i in 0..<outHeight {
          let (h0, h1) = bins.rows(i)
          for j in 0..<outWidth {
            let (w0, w1) = bins.columns(j)
            // Two passes over the (cached) bin: the maximum alone, which has no index to carry
            // and so no long dependency chain, then the first position holding it.
            var best = -Float.infinity
            var nan = false
            if w1 - w0 == width {
              (best, nan) = contiguousMax(x + h0 * width, (h1 - h0) * width)
            } else {
              for h in h0..<h1 {
                let (rowBest, rowNaN) = contiguousMax(x + h * width + w0, w1 - w0)
                best = Swift.max(best, rowBest)
                nan = nan || rowNaN
              }
            }
            var bestIndex = h0 * width + w0
            if nan {
              // PyTorch's loop: `v > best || isnan(v)` wins, so the last NaN of the bin.
              best = -Float.infinity
              for h in h0..<h1 {
                for w in w0..<w1 where x[h * width + w] > best || x[h * width + w].isNaN {
                  best = x[h * width + w]
                  bestIndex = h * width + w
                }
              }
            } else {
              find: for h in h0..<h1 {
                for w in w0..<w1 where x[h * width + w] == best {
                  bestIndex = h * width + w
                  break find
                }
              }
            }
            y[i * outWidth + j] = best
            index[i * outWidth + j] = Int32(bestIndex)
          }
        }
      }
    }
  }

  /// Adds each output gradient to the input element its forward call picked.
  public static func maxPool2dBackward(
    gradOutput: UnsafePointer<Float>, indices: UnsafePointer<Int32>,
    batch: Int, channels: Int, height: Int, width: Int, outHeight: Int, outWidth: Int,
    gradInput: UnsafeMutablePointer<Float>
  ) {
    Bins.with(height: height, width: width, outHeight: outHeight, outWidth: outWidth) { bins in
      forEachPlane(batch * channels, bins) { plane in
        let dx = gradInput + plane * height * width
        let dy = gradOutput + plane * outHeight * outWidth
        let index = indices + plane * outHeight * outWidth
        dx.update(repeating: 0, count: height * width)
        for k in 0..<(outHeight * outWidth) {
          dx[Int(index[k])] += dy[k]
        }
      }
    }
  }

  typealias Vector = SIMD16<Float>

  /// Σx over a contiguous run, in SIMD lanes.
  @inline(__always)
  static func contiguousSum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
    var lanes = Vector()
    var i = 0
    while i + Vector.scalarCount <= count {
      lanes += UnsafeRawPointer(x + i).loadUnaligned(as: Vector.self)
      i += Vector.scalarCount
    }
    var sum = lanes.sum()
    while i < count {
      sum += x[i]
      i += 1
    }
    return sum
  }

    /// The maximum of a contiguous run, and whether the run holds a NaN (which the maxima skip: a
  /// NaN never compares greater). Four independent maxima keep the compare-select chains short
  /// (Swift's generic SIMD masks compile to scalar code); a vector sum catches NaN in one add.
  @inline(__always)
  static func contiguousMax(_ x: UnsafePointer<Float>, _ count: Int) -> (Float, Bool) {
    var m0 = -Float.infinity, m1 = m0, m2 = m0, m3 = m0
    var sum = SIMD4<Float>()
    var i = 0
    while i + 4 <= count {
      let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Float>.self)
      m0 = v[0] > m0 ? v[0] : m0
      m1 = v[1] > m1 ? v[1] : m1
      m2 = v[2] > m2 ? v[2] : m2
      m3 = v[3] > m3 ? v[3] : m3
      sum += v
      i += 4
    }
    var best = Swift.max(Swift.max(m0, m1), Swift.max(m2, m3))
    // An infinity minus an infinity also gives NaN; the caller's exact loop then decides.
    var nan = sum.sum().isNaN
    while i < count {
      best = x[i] > best ? x[i] : best
      nan = nan || x[i].isNaN
      i += 1
    }
    return (best, nan)
  }

  /// PyTorch's bins along both axes, computed once per call into a small table so that the
  /// per-plane loops do no integer division.
  struct Bins {
    let height: Int, width: Int, outHeight: Int, outWidth: Int
    /// [start, end) of row bin i at 2i, 2i+1; of column bin j at 2·outHeight + 2j, +1.
    let edges: UnsafeMutablePointer<Int>

    static func with(
      height: Int, width: Int, outHeight: Int, outWidth: Int, _ body: (Bins) -> Void
    ) {
      precondition(height > 0 && width > 0, "adaptive pooling input must be non-empty, got \(height)×\(width)")
      precondition(outHeight > 0 && outWidth > 0, "adaptive pooling output must be non-empty, got \(outHeight)×\(outWidth)")
      withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * (outHeight + outWidth)) { table in
        let edges = table.baseAddress!
        for i in 0..<outHeight {
          edges[2 * i] = i * height / outHeight
          edges[2 * i + 1] = ((i + 1) * height + outHeight - 1) / outHeight
        }
        for j in 0..<outWidth {
          edges[2 * (outHeight + j)] = j * width / outWidth
          edges[2 * (outHeight + j) + 1] = ((j + 1) * width + outWidth - 1) / outWidth
        }
        body(Bins(height: height, width: width, outHeight: outHeight, outWidth: outWidth, edges: edges))
      }
    }

    @inline(__always) func rows(_ i: Int) -> (Int, Int) { (edges[2 * i], edges[2 * i + 1]) }

    @inline(__always) func columns(_ j: Int) -> (Int, Int) {
      (edges[2 * (outHeight + j)], edges[2 * (outHeight + j) + 1])
    }

    /// Elements one plane reads or writes, input and output sides together.
    var workPerPlane: Int { height * width + outHeight * outWidth }
  }

  /// Runs `body(plane)` for every plane, in contiguous runs of planes per task so that small
  /// planes (7×7 before a head) do not pay one dispatch each; small jobs stay on this thread.
  static func forEachPlane(_ planes: Int, _ bins: Bins, _ body: (Int) -> Void) {
    let tasks = min(planes, Parallel.threads * 4, planes * bins.workPerPlane / Parallel.minimumParallelElements)
    if tasks <= 1 {
      for plane in 0..<planes { body(plane) }
      return
    }
    Parallel.forEach(tasks) { task in
      for plane in (task * planes / tasks)..<((task + 1) * planes / tasks) { body(plane) }
    }
  }
}
