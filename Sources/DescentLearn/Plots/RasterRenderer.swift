import DescentData

/// Draws the commands into an RGB image: lines by stamping a square pen along them, filled
/// circles, and text from the bitmap font. No anti-aliasing; plots stay legible at 1:1.
enum RasterRenderer {
  static func render(_ shapes: [Shape], width: Int, height: Int) -> RGBImage {
    var image = RGBImage(width: width, height: height)
    for shape in shapes {
      switch shape {
      case .polyline(let points, let color, let w, let dashed):
        var travelled = 0.0
        for (a, b) in zip(points, points.dropFirst()) { line(&image, a, b, color, w, dashed, &travelled) }
      case .circle(let c, let r, let color):
        for y in Int((c.y - r).rounded(.down))...Int((c.y + r).rounded(.up)) {
          for x in Int((c.x - r).rounded(.down))...Int((c.x + r).rounded(.up)) {
            let dx = Double(x) - c.x, dy = Double(y) - c.y
            if dx * dx + dy * dy <= r * r { image[x, y] = color }
          }
        }
      case .rect(let r, let stroke, let fill):
        if let fill {
          for y in Int(r.y)...Int(r.maxY) { for x in Int(r.x)...Int(r.maxX) { image[x, y] = fill } }
        }
        let corners = [Point(x: r.x, y: r.y), Point(x: r.maxX, y: r.y), Point(x: r.maxX, y: r.maxY),
                       Point(x: r.x, y: r.maxY), Point(x: r.x, y: r.y)]
        var t = 0.0
        for (a, b) in zip(corners, corners.dropFirst()) { line(&image, a, b, stroke, 1, false, &t) }
      case .polygon(let points, let color):
        fill(&image, points, color)
      case .text(let s, let at, let anchor, let color, let vertical):
        text(&image, s, at, anchor, color, vertical)
      }
    }
    return image
  }

  /// Fills a polygon by scanlines (even–odd rule), blending a quarter of `color` into what is
  /// there, as the SVG's fill-opacity 0.25 does.
  private static func fill(_ image: inout RGBImage, _ points: [Point], _ color: PlotColor) {
    guard let top = points.map(\.y).min(), let bottom = points.map(\.y).max(), top.isFinite, bottom.isFinite else { return }
    let edges = Array(zip(points, points.dropFirst() + [points[0]]))
    let first = Swift.max(0, Int(top.rounded(.up))), last = Swift.min(image.height - 1, Int(bottom.rounded(.down)))
    guard first <= last else { return }
    for y in first...last {
      let yc = Double(y)
      var crossings: [Double] = []
      for (a, b) in edges where (a.y <= yc) != (b.y <= yc) {
        crossings.append(a.x + (yc - a.y) / (b.y - a.y) * (b.x - a.x))
      }
      crossings.sort()
      for k in stride(from: 0, to: crossings.count - 1, by: 2) {
        let left = Swift.max(0, Int(crossings[k].rounded(.up))), right = Swift.min(image.width - 1, Int(crossings[k + 1].rounded(.down)))
        guard left <= right else { continue }
        for x in left...right {
          let old = image[x, y]
          func mix(_ o: UInt8, _ c: UInt8) -> UInt8 { UInt8((3 * Int(o) + Int(c)) / 4) }
          image[x, y] = PlotColor(mix(old.r, color.r), mix(old.g, color.g), mix(old.b, color.b))
        }
      }
    }
  }

  /// A segment drawn with a `width`-pixel square pen at half-pixel steps; `travelled` carries
  /// the dash phase from segment to segment.
  private static func line(_ image: inout RGBImage, _ a: Point, _ b: Point, _ color: PlotColor, _ width: Double,
                           _ dashed: Bool, _ travelled: inout Double) {
    let dx = b.x - a.x, dy = b.y - a.y
    let length = (dx * dx + dy * dy).squareRoot()
    let steps = max(1, Int(length * 2))
    let pen = max(1, Int(width.rounded()))
    for i in 0...steps {
      let t = Double(i) / Double(steps)
      if dashed && Int((travelled + t * length) / 4) % 2 == 1 { continue }
      let x = Int((a.x + t * dx).rounded(.down)) - (pen - 1) / 2, y = Int((a.y + t * dy).rounded(.down)) - (pen - 1) / 2
      for py in y..<(y + pen) { for px in x..<(x + pen) { image[px, py] = color } }
    }
    travelled += length
  }

  private static func text(_ image: inout RGBImage, _ s: String, _ at: Point, _ anchor: TextAnchor, _ color: PlotColor,
                           _ vertical: Bool) {
    let scale = TextMetrics.scale
    let w = TextMetrics.width(s)
    let shift = anchor == .start ? 0 : anchor == .middle ? -w / 2 : -w
    // Along the text (u) and across it (v), from its start and top.
    let u0 = Int(shift.rounded()), v0 = -Int(TextMetrics.height / 2)
    for (k, ch) in s.enumerated() {
      for (col, bits) in BitmapFont.columns(ch).enumerated() {
        for row in 0..<BitmapFont.glyphHeight where bits & (1 << row) != 0 {
          for sy in 0..<scale {
            for sx in 0..<scale {
              let u = u0 + (k * BitmapFont.advance + col) * scale + sx, v = v0 + row * scale + sy
              // Vertical text reads bottom to top: u runs up, v runs right.
              let x = vertical ? Int(at.x) + v : Int(at.x) + u
              let y = vertical ? Int(at.y) - u : Int(at.y) + v
              image[x, y] = color
            }
          }
        }
      }
    }
  }
}
