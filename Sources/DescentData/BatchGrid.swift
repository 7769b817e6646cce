import DescentTensor

/// fastai's `show_batch` as a picture: a batch of [0, 1] images in a grid, each enlarged to about
/// `cell` pixels (nearest neighbour, so pixels stay visible) with its caption underneath.
public enum BatchGrid {
  public static func render(_ x: Tensor, captions: [String], columns: Int? = nil, cell: Int = 96) -> Image8 {
    precondition(x.rank == 4 && (x.shape[1] == 1 || x.shape[1] == 3), "BatchGrid: needs [N, 1 or 3, H, W], not \(x.shape)")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let cols = Swift.max(1, columns ?? Int(Double(n).squareRoot().rounded(.up)))
    let rows = (n + cols - 1) / cols
    let scale = Swift.max(1, cell / Swift.max(h, w))
    let (cw, ch) = (w * scale, h * scale)
    let gap = 6, caption = BitmapFont.glyphHeight * 2 + 6
    let width = cols * (cw + gap) + gap, height = rows * (ch + caption + gap) + gap
    var image = Image8(width: width, height: height, channels: 3, pixels: [UInt8](repeating: 255, count: width * height * 3))
    let plane = h * w
    image.pixels.withUnsafeMutableBufferPointer { out in
      for i in 0..<n {
        let x0 = gap + (i % cols) * (cw + gap), y0 = gap + (i / cols) * (ch + caption + gap)
        let src = x.pointer + i * c * plane
        for yy in 0..<ch {
          for xx in 0..<cw {
            let s = (yy / scale) * w + xx / scale
            let o = ((y0 + yy) * width + x0 + xx) * 3
            for k in 0..<3 {
              let v = src[(c == 1 ? 0 : k) * plane + s]
              out[o + k] = UInt8((Swift.min(Swift.max(v, 0), 1) * 255).rounded())
            }
          }
        }
      }
    }
    for (i, text) in captions.prefix(n).enumerated() {
      // Shorten captions wider than the cell, at scale 2 when it fits, else 1.
      let scale = BitmapFont.width(text, scale: 2) <= cw ? 2 : 1
      let fit = String(text.prefix(Swift.max(1, (cw + 1) / (BitmapFont.advance * scale))))
      let x0 = gap + (i % cols) * (cw + gap), y0 = gap + (i / cols) * (ch + caption + gap) + ch + 3
      BitmapFont.draw(fit, x: x0, y: y0, scale: scale, into: &image)
    }
    return image
  }
}
