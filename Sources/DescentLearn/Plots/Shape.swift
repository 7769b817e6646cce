import DescentData

/// The drawing commands a plot lays out and both renderers (SVG, raster) understand, in pixels
/// from the top-left.
struct Point: Equatable {
  var x, y: Double
}

struct Rect {
  var x, y, width, height: Double
  var maxX: Double { x + width }
  var maxY: Double { y + height }
}

enum TextAnchor { case start, middle, end }

enum Shape {
  case polyline([Point], color: PlotColor, width: Double, dashed: Bool)
  case circle(Point, radius: Double, color: PlotColor)
  case rect(Rect, stroke: PlotColor, fill: PlotColor?)
  /// A filled polygon (a band between two lines), drawn lightly: `color` at a quarter strength.
  case polygon([Point], color: PlotColor)
  /// Text whose baseline-ish centre line passes through `at`; `vertical` reads bottom to top.
  case text(String, at: Point, anchor: TextAnchor, color: PlotColor, vertical: Bool)
}

/// Text metrics shared by layout and renderers: the bitmap font at scale 2 (12 px a character,
/// 14 px high); the SVG uses a monospace font of the same size.
enum TextMetrics {
  static let scale = 2
  static let charWidth = Double(BitmapFont.advance * scale)
  static let height = Double(BitmapFont.glyphHeight * scale)
  static func width(_ s: String) -> Double { Double(s.count) * charWidth - Double(scale) }
}
