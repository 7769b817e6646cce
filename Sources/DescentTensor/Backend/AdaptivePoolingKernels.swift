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
    let bins = Bins(height: height, width: width, outHeight: outHeight, outWidth: outWidth)
    forEachPlane(batch * channels, bins) { plane in
      let x = input + plane * height * width
      let y = output + plane * outHeight * outWidth
      for i in 0..<outHeight {
        let (h0, h1) = bins.rows(i)
        for j in 0..<outWidth {
          let (w0, w1) = bins.columns(j)
          var sum: Float = 0
          for h in h0..<h1 {
            let row = x + h * width
            for w in w0..<w1 { sum += row[w] }
          }
          y[i * outWidth + j] = sum / Float((h1 - h0) * (w1 - w0))
        }
      }
    }
  }

  /// Spreads each output gradient evenly over its bin; overlapping bins add up.
  public static func avgPool2dBackward(
    gradOutput: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int,
    outHeight: Int, outWidth: Int, gradInput: UnsafeMutablePointer<Float>
  ) {
    let bins = Bins(height: height, width: width, outHeight: outHeight, outWidth: outWidth)
    forEachPlane(batch * channels, bins) { plane in
      let dx = gradInput + plane * height * width
      let dy = gradOutput + plane * outHeight * outWidth
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

  /// Max over each bin; ties keep the first in row order and a NaN wins, as in PyTorch's loop.
  public static func maxPool2dForward(
    input: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int,
    outHeight: Int, outWidth: Int, output: UnsafeMutablePointer<Float>,
    indices: UnsafeMutablePointer<Int32>
  ) {
    precondition(height * width <= Int(Int32.max), "plane too large for Int32 indices")
    let bins = Bins(height: height, width: width, outHeight: outHeight, outWidth: outWidth)
    forEachPlane(batch * channels, bins) { plane in
      let x = input + plane * height * width
      let y = output + plane * outHeight * outWidth
      let index = indices + plane * outHeight * outWidth
      for i in 0..<outHeight {
        let (h0, h1) = bins.rows(i)
        for j in 0..<outWidth {
          let (w0, w1) = bins.columns(j)
          var best = -Float.infinity
          var bestIndex = h0 * width + w0
          for h in h0..<h1 {
            for w in w0..<w1 {
              let v = x[h * width + w]
              if v > best || v.isNaN {
                best = v
                bestIndex = h * width + w
              }
            }
          }
          y[i * outWidth + j] = best
          index[i * outWidth + j] = Int32(bestIndex)
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
    let bins = Bins(height: height, width: width, outHeight: outHeight, outWidth: outWidth)
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

  /// PyTorch's adaptive bins along both axes, computed on the fly (no tables to allocate).
  struct Bins {
    let height: Int, width: Int, outHeight: Int, outWidth: Int

    init(height: Int, width: Int, outHeight: Int, outWidth: Int) {
      precondition(height > 0 && width > 0, "adaptive pooling input must be non-empty, got \(height)×\(width)")
      precondition(outHeight > 0 && outWidth > 0, "adaptive pooling output must be non-empty, got \(outHeight)×\(outWidth)")
      self.height = height
      self.width = width
      self.outHeight = outHeight
      self.outWidth = outWidth
    }

    @inline(__always) func rows(_ i: Int) -> (Int, Int) {
      (i * height / outHeight, ((i + 1) * height + outHeight - 1) / outHeight)
    }

    @inline(__always) func columns(_ j: Int) -> (Int, Int) {
      (j * width / outWidth, ((j + 1) * width + outWidth - 1) / outWidth)
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
