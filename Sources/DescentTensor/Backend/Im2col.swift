/// Unfolds one image into the matrix a convolution multiplies by (im2col), and folds such a
/// matrix back onto an image, summing overlaps (col2im). The matrix has one row per
/// (channel, ky, kx) and one column per output pixel, so that for a group of channels the
/// convolution is weight[Cout × Cin·kh·kw] · col[Cin·kh·kw × Ho·Wo].
///
/// Both walk the image channel by channel: one channel plane stays in L1 while its kh·kw rows
/// of the matrix are written or read.
enum Im2col {
  /// The output columns `lo..<hi` whose input column `ox·stride − pad + offset` lies inside
  /// `0..<size`; columns outside read the zero padding.
  @inlinable
  static func validRange(size: Int, outSize: Int, stride: Int, pad: Int, offset: Int) -> (Int, Int) {
    let a = pad - offset  // ox·stride ≥ a
    let lo = a <= 0 ? 0 : (a + stride - 1) / stride
    let b = size - 1 + pad - offset  // ox·stride ≤ b
    let hi = b < 0 ? 0 : Swift.min(outSize, b / stride + 1)
    return (Swift.min(lo, hi), hi)
  }

  /// col[(c·kh + ky)·kw + kx][oy·Wo + ox] = image[c][oy·sh − ph + ky·dh][ox·sw − pw + kx·dw],
  /// or 0 in the padding, for `channels` channels of one image.
  static func unfold(
    _ g: Conv2dGeometry, channels: Int, image: UnsafePointer<Float>, col: UnsafeMutablePointer<Float>
  ) {
    let h = g.height, w = g.width, ho = g.outHeight, wo = g.outWidth
    let sh = g.strideH, sw = g.strideW
    var row = col
    for c in 0..<channels {
      let plane = image + c * h * w
      for ky in 0..<g.kernelHeight {
        let (oyLo, oyHi) = validRange(size: h, outSize: ho, stride: sh, pad: g.padH, offset: ky * g.dilationH)
        for kx in 0..<g.kernelWidth {
          let xOffset = kx * g.dilationW - g.padW
          let (oxLo, oxHi) = validRange(size: w, outSize: wo, stride: sw, pad: g.padW, offset: kx * g.dilationW)
          // Rows of output above and below the image read only padding.
          row.initialize(repeating: 0, count: oyLo * wo)
          for oy in oyLo..<oyHi {
            let dst = row + oy * wo
            let src = plane + (oy * sh - g.padH + ky * g.dilationH) * w + xOffset
            for ox in 0..<oxLo { dst[ox] = 0 }
            if sw == 1 {
              (dst + oxLo).update(from: src + oxLo, count: oxHi - oxLo)
            } else {
              for ox in oxLo..<oxHi { dst[ox] = src[ox * sw] }
            }
            for ox in oxHi..<wo { dst[ox] = 0 }
          }
          (row + oyHi * wo).initialize(repeating: 0, count: (ho - oyHi) * wo)
          row += ho * wo
        }
      }
    }
  }

  /// The adjoint of `unfold`: image (overwritten) = sum over every matrix entry that `unfold`
  /// would have copied from each pixel.
  static func fold(
    _ g: Conv2dGeometry, channels: Int, col: UnsafePointer<Float>, image: UnsafeMutablePointer<Float>
  ) {
    let h = g.height, w = g.width, ho = g.outHeight, wo = g.outWidth
    let sh = g.strideH, sw = g.strideW
    image.initialize(repeating: 0, count: channels * h * w)
    var row = col
    for c in 0..<channels {
      let plane = image + c * h * w
      for ky in 0..<g.kernelHeight {
        let (oyLo, oyHi) = validRange(size: h, outSize: ho, stride: sh, pad: g.padH, offset: ky * g.dilationH)
        for kx in 0..<g.kernelWidth {
          let xOffset = kx * g.dilationW - g.padW
          let (oxLo, oxHi) = validRange(size: w, outSize: wo, stride: sw, pad: g.padW, offset: kx * g.dilationW)
          for oy in oyLo..<oyHi {
            let src = row + oy * wo
            let dst = plane + (oy * sh - g.padH + ky * g.dilationH) * w + xOffset
            if sw == 1 {
              for ox in oxLo..<oxHi { dst[ox] += src[ox] }
            } else {
              for ox in oxLo..<oxHi { dst[ox * sw] += src[ox] }
            }
          }
          row += ho * wo
        }
      }
    }
  }
}
