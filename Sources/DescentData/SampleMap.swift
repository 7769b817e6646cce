import Foundation

/// Where each output pixel of an augmented image reads the input: fastai's flip, rotate, zoom
/// (one affine matrix), perspective warp and random resized crop composed into one map, so the
/// image is resampled once instead of once per transform.
///
/// Coordinates follow `F.affine_grid`/`F.grid_sample` with `align_corners=True`: -1 and 1 are the
/// centres of the first and last pixels.
struct SampleMap {
  /// The 2×3 affine matrix acting on normalized output coordinates.
  var affine: (Float, Float, Float, Float, Float, Float)
  /// The 3×3 homography of the warp (row-major, last element 1), or nil.
  var warp: [Float]?
  /// Output pixel → normalized coordinate of the affine stage's output grid: x = ax·j + bx.
  var ax: Float, bx: Float, ay: Float, by: Float

  /// `input` is the image's (height, width), `output` the batch's.
  init(_ d: AugmentDraws, input: (h: Int, w: Int), output: (h: Int, w: Int)) {
    // fastai composes flip · rotate · zoom (in aug_transforms order), then scales the shear
    // terms by the aspect ratio (`_prepare_mat`).
    let f: Float = d.flip ? -1 : 1
    let t = d.rotate * .pi / 180, c = cos(t), s = sin(t)
    let z = 1 / d.zoom
    let zx = (1 - z) * (2 * d.zoomCenterX - 1), zy = (1 - z) * (2 * d.zoomCenterY - 1)
    // F·R·Z with F = diag(f, 1), R = [[c, s], [−s, c]], Z = [[z, 0, zx], [0, z, zy]].
    let hw = Float(input.h) / Float(input.w)
    affine = (f * c * z, f * s * z * hw, f * (c * zx + s * zy),
              -s * z / hw, c * z, -s * zx + c * zy)
    warp = (d.warpX == 0 && d.warpY == 0) ? nil : SampleMap.homography(warpX: d.warpX, warpY: d.warpY)
    // With a crop, the affine stage keeps the input's size and the crop is resized to the
    // output (RandomResizedCropGPU after AffineCoordTfm); otherwise the affine grid is the output.
    func axis(_ out: Int, _ full: Int, _ start: Int?, _ length: Int?) -> (Float, Float) {
      guard let start, let length else { return (out > 1 ? 2 / Float(out - 1) : 0, -1) }
      let step = out > 1 ? Float(length - 1) / Float(out - 1) : 0
      let scale = full > 1 ? 2 / Float(full - 1) : 0
      return (step * scale, Float(start) * scale - 1)
    }
    (ax, bx) = axis(output.w, input.w, d.crop?.left, d.crop?.width)
    (ay, by) = axis(output.h, input.h, d.crop?.top, d.crop?.height)
  }

  /// The input coordinate (normalized) that output pixel (i, j) samples.
  @inline(__always)
  func source(_ i: Int, _ j: Int) -> (Float, Float) {
    let x = ax * Float(j) + bx, y = ay * Float(i) + by
    let a = affine
    var u = a.0 * x + a.1 * y + a.2, v = a.3 * x + a.4 * y + a.5
    if let h = warp {
      let w = h[6] * u + h[7] * v + 1
      if w != 0 {
        let nu = (h[0] * u + h[1] * v + h[2]) / w
        v = (h[3] * u + h[4] * v + h[5]) / w
        u = nu
      }
    }
    return (u, v)
  }

  /// fastai's `_WarpCoord`: the perspective map taking the corners (±1, ±1) to the corners moved
  /// by the magnitudes, solved as `find_coeffs(orig, targ)` does (target points → original).
  static func homography(warpX x: Float, warpY y: Float) -> [Float] {
    let orig: [(Double, Double)] = [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    let (xt, yt) = (Double(x), Double(y))
    let targ: [(Double, Double)] = [(-1 - yt, -1 - xt), (-1 + yt, 1 + xt), (1 + yt, -1 + xt), (1 - yt, 1 - xt)]
    var a = [[Double]](), b = [Double]()
    for (p1, p2) in zip(orig, targ) {
      a.append([p2.0, p2.1, 1, 0, 0, 0, -p1.0 * p2.0, -p1.0 * p2.1]); b.append(p1.0)
      a.append([0, 0, 0, p2.0, p2.1, 1, -p1.1 * p2.0, -p1.1 * p2.1]); b.append(p1.1)
    }
    return solve(a, b).map { Float($0) } + [1]
  }

  /// Gaussian elimination with partial pivoting (the 8×8 system of a homography).
  static func solve(_ a: [[Double]], _ b: [Double]) -> [Double] {
    var m = a, r = b
    let n = r.count
    for col in 0..<n {
      let pivot = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) }!
      m.swapAt(col, pivot); r.swapAt(col, pivot)
      for row in (col + 1)..<n where m[row][col] != 0 {
        let f = m[row][col] / m[col][col]
        for k in col..<n { m[row][k] -= f * m[col][k] }
        r[row] -= f * r[col]
      }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
      var s = r[row]
      for k in (row + 1)..<n { s -= m[row][k] * x[k] }
      x[row] = s / m[row][row]
    }
    return x
  }
}
