/// Unfolds one image into the matrix a convolution multiplies by (im2col), and folds such a
/// matrix back onto an image, summing overlaps (col2im). The matrix has one row per
/// (channel, ky, kx) and one column per output pixel, so that for a group of channels the
/// convolution is weight[Cout × Cin·kh·kw] · col[Cin·kh·kw × Ho·Wo].
///
/// Both walk the image channel by channel, so one channel plane stays in cache while its
/// kh·kw rows of the matrix are written or read. With a stride, each plane is first split into
/// stride-phases — sub-planes of the pixels whose row and column are congruent modulo the
/// stride — because every matrix row then reads (or adds into) one sub-plane contiguously,
/// where a strided walk of the plane would not vectorize.
enum Im2col {
  /// Floats of scratch `unfold` and `fold` need for the phase-split plane (0 without a stride).
  static func scratchCount(_ g: Conv2dGeometry) -> Int {
    g.strideH == 1 && g.strideW == 1 ? 0 : Phases(g).count
  }

  /// The layout of one plane split into strideH × strideW phases of `rows` × `columns`.
  struct Phases {
    let rows: Int
    let columns: Int
    let strideH: Int
    let strideW: Int
    var count: Int { strideH * strideW * rows * columns }

    init(_ g: Conv2dGeometry) {
      strideH = g.strideH
      strideW = g.strideW
      rows = (g.height + g.strideH - 1) / g.strideH
      columns = (g.width + g.strideW - 1) / g.strideW
    }

    /// Where input pixel (oy·stride + offset) lands: its phase's first element plus the shift
    /// from output to phase coordinates (a floor division: `offset` may be negative).
    @inline(__always)
    func origin(_ offsetY: Int, _ offsetX: Int, _ base: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> {
      let qy = ((offsetY % strideH) + strideH) % strideH, by = (offsetY - qy) / strideH
      let qx = ((offsetX % strideW) + strideW) % strideW, bx = (offsetX - qx) / strideW
      return base + (qy * strideW + qx) * rows * columns + by * columns + bx
    }

    /// plane (H×W) → phases.
    func split(_ plane: UnsafePointer<Float>, height: Int, width: Int, into phases: UnsafeMutablePointer<Float>) {
      for iy in 0..<height {
        let row = plane + iy * width
        let qy = iy % strideH, my = iy / strideH
        for qx in 0..<strideW {
          let dst = phases + (qy * strideW + qx) * rows * columns + my * columns
          var ix = qx, m = 0
          while ix < width {
            dst[m] = row[ix]
            ix += strideW
            m += 1
          }
        }
      }
    }

    /// phases → plane (H×W), overwriting it.
    func merge(_ phases: UnsafePointer<Float>, into plane: UnsafeMutablePointer<Float>, height: Int, width: Int) {
      for iy in 0..<height {
        let row = plane + iy * width
        let qy = iy % strideH, my = iy / strideH
        for qx in 0..<strideW {
          let src = phases + (qy * strideW + qx) * rows * columns + my * columns
          var ix = qx, m = 0
          while ix < width {
            row[ix] = src[m]
            ix += strideW
            m += 1
          }
        }
      }
    }
  }

  /// The output positions `lo..<hi` whose input position `o·stride − pad + offset` lies inside
  /// `0..<size`; the others read the zero padding.
  @inline(__always)
  static func validRange(size: Int, outSize: Int, stride: Int, pad: Int, offset: Int) -> (Int, Int) {
    let a = pad - offset  // o·stride ≥ a
    let lo = a <= 0 ? 0 : (a + stride - 1) / stride
    let b = size - 1 + pad - offset  // o·stride ≤ b
    let hi = b < 0 ? 0 : Swift.min(outSize, b / stride + 1)
    return (Swift.min(lo, hi), hi)
  }

  /// col[(c·kh + ky)·kw + kx][oy·Wo + ox] = image[c][oy·sh − ph + ky·dh][ox·sw − pw + kx·dw],
  /// or 0 in the padding, for `channels` channels of one image. `scratch` holds
  /// `scratchCount(g)` floats.
  static func unfold(
    _ g: Conv2dGeometry, channels: Int, image: UnsafePointer<Float>, col: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>
  ) {
    let h = g.height, w = g.width, ho = g.outHeight, wo = g.outWidth
    let strided = g.strideH != 1 || g.strideW != 1
    let phases = Phases(g)
    // Without a stride the plane is its own single phase.
    let pitch = strided ? phases.columns : w
    var row = col
    for c in 0..<channels {
      let plane = UnsafeMutablePointer(mutating: image + c * h * w)
      if strided { phases.split(plane, height: h, width: w, into: scratch) }
      let base = strided ? scratch : plane
      for ky in 0..<g.kernelHeight {
        let offsetY = ky * g.dilationH - g.padH
        let (oyLo, oyHi) = validRange(size: h, outSize: ho, stride: g.strideH, pad: g.padH, offset: ky * g.dilationH)
        for kx in 0..<g.kernelWidth {
          let offsetX = kx * g.dilationW - g.padW
          let (oxLo, oxHi) = validRange(size: w, outSize: wo, stride: g.strideW, pad: g.padW, offset: kx * g.dilationW)
          let origin = strided ? phases.origin(offsetY, offsetX, base) : base + offsetY * w + offsetX
          // Rows of output above and below the image read only padding.
          row.initialize(repeating: 0, count: oyLo * wo)
          for oy in oyLo..<oyHi {
            let dst = row + oy * wo
            let src = origin + oy * pitch
            for ox in 0..<oxLo { dst[ox] = 0 }
            (dst + oxLo).update(from: src + oxLo, count: oxHi - oxLo)
            for ox in oxHi..<wo { dst[ox] = 0 }
          }
          (row + oyHi * wo).initialize(repeating: 0, count: (ho - oyHi) * wo)
          row += ho * wo
        }
      }
    }
  }

  /// The adjoint of `unfold`: image (overwritten) = the sum, for each pixel, of every matrix
  /// entry that `unfold` would have copied from it. `scratch` holds `scratchCount(g)` floats.
  static func fold(
    _ g: Conv2dGeometry, channels: Int, col: UnsafePointer<Float>, image: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>
  ) {
    let h = g.height, w = g.width, ho = g.outHeight, wo = g.outWidth
    let strided = g.strideH != 1 || g.strideW != 1
    let phases = Phases(g)
    let pitch = strided ? phases.columns : w
    var row = col
    for c in 0..<channels {
      let plane = image + c * h * w
      let base = strided ? scratch : plane
      base.initialize(repeating: 0, count: strided ? phases.count : h * w)
      for ky in 0..<g.kernelHeight {
        let offsetY = ky * g.dilationH - g.padH
        let (oyLo, oyHi) = validRange(size: h, outSize: ho, stride: g.strideH, pad: g.padH, offset: ky * g.dilationH)
        for kx in 0..<g.kernelWidth {
          let offsetX = kx * g.dilationW - g.padW
          let (oxLo, oxHi) = validRange(size: w, outSize: wo, stride: g.strideW, pad: g.padW, offset: kx * g.dilationW)
          let origin = strided ? phases.origin(offsetY, offsetX, base) : base + offsetY * w + offsetX
          for oy in oyLo..<oyHi {
            add(row + oy * wo + oxLo, into: origin + oy * pitch + oxLo, count: oxHi - oxLo)
          }
          row += ho * wo
        }
      }
      if strided { phases.merge(scratch, into: plane, height: h, width: w) }
    }
  }

  /// dst[i] += src[i], 8 lanes at a time.
  @inline(__always)
  static func add(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 8 <= count {
      let sum =
        UnsafeRawPointer(dst + i).loadUnaligned(as: SIMD8<Float>.self)
        + UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(dst + i).storeBytes(of: sum, as: SIMD8<Float>.self)
      i += 8
    }
    while i < count {
      dst[i] += src[i]
      i += 1
    }
  }
}
