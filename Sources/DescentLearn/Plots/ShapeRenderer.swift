import DescentData

/// Replays a plot's drawing commands on a canvas — the one drawing path behind both the PNG
/// and the SVG of a figure.
enum ShapeRenderer {
  static func draw(_ shapes: [Shape], on canvas: Canvas) {
    for shape in shapes {
      switch shape {
      case .polyline(let points, let color, let width, let dashed):
        canvas.polyline(points.map { ($0.x, $0.y) }, color: color, width: width, dash: dashed ? 4 : nil)
      case .circle(let c, let r, let color):
        canvas.circle(x: c.x, y: c.y, radius: r, color: color)
      case .rect(let r, let stroke, let fill):
        if let fill { canvas.fill(x: r.x, y: r.y, width: r.width, height: r.height, color: fill) }
        canvas.stroke(x: r.x, y: r.y, width: r.width, height: r.height, color: stroke)
      case .polygon(let points, let color):
        canvas.polygon(points.map { ($0.x, $0.y) }, color: color, alpha: 0.25)
      case .text(let s, let at, let anchor, let color, let vertical):
        canvas.text(s, x: at.x, y: at.y, size: TextMetrics.size, anchor: anchor, color: color, vertical: vertical)
      }
    }
  }
}
