import DescentData

/// The drawing commands a plot lays out, in pixels from the top-left; `ShapeRenderer` draws
/// them on a canvas (raster or SVG).
struct Point: Equatable {
  var x, y: Double
}

struct Rect {
  var x, y, width, height: Double
  var maxX: Double { x + width }
  var maxY: Double { y + height }
}

enum Shape {
  case polyline([Point], color: PlotColor, width: Double, dashed: Bool)
  case circle(Point, radius: Double, color: PlotColor)
  case rect(Rect, stroke: PlotColor, fill: PlotColor?)
  /// A filled polygon (a band between two lines), drawn lightly: `color` at a quarter strength.
  case polygon([Point], color: PlotColor)
  /// Text whose baseline-ish centre line passes through `at`; `vertical` reads bottom to top.
  case text(String, at: Point, anchor: Canvas.Anchor, color: PlotColor, vertical: Bool)
}

/// Text as the plots set it: DejaVu Sans at 13 px (matplotlib's 10 pt at 96 dpi), measured by
/// cairo so that the layout leaves each label the room it takes.
enum TextMetrics {
  static let size = 13.0
  static let height = Canvas.capitalHeight(size)
  static let charWidth = Canvas.textWidth("0", size: size)
  static func width(_ s: String) -> Double { Canvas.textWidth(s, size: size) }
}
