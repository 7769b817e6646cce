import DescentTensor

/// fastai's `show_batch` as a picture: a batch of [0, 1] images in a grid, each enlarged to about
/// `cell` pixels (nearest neighbour, so pixels stay visible) with its caption underneath.
public enum BatchGrid {
  public static let gap = 6
  /// Caption text size, and the band under each image that holds it.
  public static let captionSize = 12.0
  public static let captionBand = 20

  public static func render(_ x: Tensor, captions: [String], columns: Int? = nil, cell: Int = 96) -> Image8 {
    precondition(x.rank == 4 && (x.shape[1] == 1 || x.shape[1] == 3), "BatchGrid: needs [N, 1 or 3, H, W], not \(x.shape)")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let cols = Swift.max(1, columns ?? Int(Double(n).squareRoot().rounded(.up)))
    let rows = (n + cols - 1) / cols
    let scale = Swift.max(1, cell / Swift.max(h, w))
    let (cw, ch) = (w * scale, h * scale)
    let width = cols * (cw + gap) + gap, height = rows * (ch + captionBand + gap) + gap
    let canvas = Canvas(width: width, height: height)
    let plane = h * w
    for i in 0..<n {
      let x0 = gap + (i % cols) * (cw + gap), y0 = gap + (i / cols) * (ch + captionBand + gap)
      // Planar [C, H, W] floats to interleaved bytes.
      var bytes = [UInt8](repeating: 0, count: plane * c)
      let src = x.pointer + i * c * plane
      for k in 0..<c {
        for s in 0..<plane { bytes[s * c + k] = UInt8((Swift.min(Swift.max(src[k * plane + s], 0), 1) * 255).rounded()) }
      }
      canvas.image(bytes, width: w, height: h, channels: c, x: Double(x0), y: Double(y0), scale: Double(scale))
      if i < captions.count {
        let text = fit(captions[i], width: Double(cw))
        canvas.text(text, x: Double(x0), y: Double(y0 + ch) + Double(captionBand) / 2, size: captionSize)
      }
    }
    return canvas.image8()
  }

  /// The caption, shortened with an ellipsis until it fits the cell's width.
  static func fit(_ text: String, width: Double) -> String {
    if Canvas.textWidth(text, size: captionSize) <= width { return text }
    var kept = Substring(text)
    while kept.count > 1 && Canvas.textWidth(kept + "…", size: captionSize) > width { kept = kept.dropLast() }
    return kept + "…"
  }
}
