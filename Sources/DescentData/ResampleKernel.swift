/// Weights of one axis of a bilinear resize as Pillow computes them (fastai's `Resize` runs on
/// PIL images): a triangle filter stretched by the reduction factor when shrinking, so that a
/// downscale averages every source pixel instead of skipping some (antialiasing).
///
/// Output pixel `o` reads `taps` consecutive virtual source pixels from `first[o]` with weights
/// `weights[o * taps ..< o * taps + taps]` (zero past the filter's end).
struct ResampleKernel {
  let taps: Int
  var first: [Int]
  var weights: [Float]

  /// Resamples `inSize` virtual source pixels to `outSize` pixels.
  init(inSize: Int, outSize: Int) {
    let scale = Double(inSize) / Double(outSize)
    let filterScale = Swift.max(scale, 1)
    let support = filterScale  // the triangle's support, 1 pixel, widened when shrinking
    taps = Int(support.rounded(.up)) * 2 + 1
    first = [Int](repeating: 0, count: outSize)
    weights = [Float](repeating: 0, count: outSize * taps)
    for o in 0..<outSize {
      let center = (Double(o) + 0.5) * scale
      let lo = Swift.max(0, Int(center - support + 0.5))
      let hi = Swift.min(inSize, Int(center + support + 0.5))
      var total = 0.0
      for k in 0..<(hi - lo) {
        let t = abs((Double(k + lo) - center + 0.5) / filterScale)
        total += t < 1 ? 1 - t : 0
      }
      first[o] = lo
      for k in 0..<(hi - lo) where total > 0 {
        let t = abs((Double(k + lo) - center + 0.5) / filterScale)
        weights[o * taps + k] = Float((t < 1 ? 1 - t : 0) / total)
      }
    }
  }
}

/// numpy's "reflect" padding (the edge pixel is not repeated), folded repeatedly so that any
/// index lands inside `0..<n`.
@inline(__always)
func reflectIndex(_ i: Int, _ n: Int) -> Int {
  if n == 1 { return 0 }
  let period = 2 * (n - 1)
  var r = i % period
  if r < 0 { r += period }
  return r < n ? r : period - r
}
