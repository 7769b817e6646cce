import Foundation

/// One pass per image: each output pixel samples the input bilinearly at its `SampleMap`
/// coordinate (reflection padding, as `F.grid_sample(padding_mode="reflection",
/// align_corners=True)`), then gets fastai's lighting and `Normalize`, so an augmented image
/// costs one read of the input and one write of the output.
enum Resampler {
  /// `src`: C planes of h × w, of which only the first `sourceChannels` are read: with 1, the
  /// first plane is sampled once per pixel and stands for every channel (normalized per
  /// channel); `out`: C planes of oh × ow.
  static func run(src: UnsafePointer<Float>, channels: Int, sourceChannels: Int, h: Int, w: Int,
                  out: UnsafeMutablePointer<Float>, oh: Int, ow: Int,
                  map: SampleMap, draws: AugmentDraws, normalize: Normalize?) {
    precondition(sourceChannels == 1 || sourceChannels == channels, "Resampler: \(sourceChannels) source planes for \(channels) channels")
    let plane = h * w, outPlane = oh * ow
    let lighting = draws.hasLighting
    // fastai's lighting, sigmoid((logit(x) + logit(b)) · c) with x clamped to [1e-7, 1 − 1e-7],
    // rewritten as 1 / (1 + k · ((1 − x) / x)^c) with k = ((1 − b) / b)^c: one pow per value,
    // none when c = 1.
    let c = draws.contrast, unitContrast = draws.contrast == 1
    let k = Float(pow(Double((1 - draws.brightness) / draws.brightness), Double(c)))
    // Without stats, mean 0 and std 1 leave values unchanged (x − 0) / 1 == x exactly.
    var stats = [Float](repeating: 0, count: 2 * channels)
    for ch in 0..<channels { (stats[2 * ch], stats[2 * ch + 1]) = normalize?.stats(ch) ?? (0, 1) }
    stats.withUnsafeBufferPointer { stats in
      for i in 0..<oh {
        for j in 0..<ow {
          let (u, v) = map.source(i, j)
          let ix = reflect((u + 1) / 2 * Float(w - 1), w), iy = reflect((v + 1) / 2 * Float(h - 1), h)
          let x0 = Int(ix), y0 = Int(iy)
          let x1 = Swift.min(x0 + 1, w - 1), y1 = Swift.min(y0 + 1, h - 1)
          let fx = ix - Float(x0), fy = iy - Float(y0)
          let w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy
          let o00 = y0 * w + x0, o01 = y0 * w + x1, o10 = y1 * w + x0, o11 = y1 * w + x1
          var value: Float = 0
          for ch in 0..<channels {
            if ch < sourceChannels {
              let p = src + ch * plane
              value = w00 * p[o00] + w01 * p[o01] + w10 * p[o10] + w11 * p[o11]
              if lighting {
                let x = Swift.min(Swift.max(value, 1e-7), 1 - 1e-7)
                let odds = (1 - x) / x
                value = 1 / (1 + k * (unitContrast ? odds : powf(odds, c)))
              }
            }
            out[ch * outPlane + i * ow + j] = (value - stats[2 * ch]) / stats[2 * ch + 1]
          }
        }
      }
    }
  }

  /// PyTorch's reflection of a pixel coordinate into [0, size − 1] (align_corners=True), then
  /// clipped as grid_sample does.
  @inline(__always)
  static func reflect(_ x: Float, _ size: Int) -> Float {
    guard size > 1 else { return 0 }
    let span = Float(size - 1)
    if x >= 0 && x <= span { return x }  // most pixels: no fmod
    let a = abs(x)
    let extra = fmodf(a, span)
    let flips = Int(a / span)
    let r = flips % 2 == 0 ? extra : span - extra
    return Swift.min(Swift.max(r, 0), span)
  }
}
