import Foundation

/// Writes drawing commands as an SVG document.
enum SVGRenderer {
  static func render(_ shapes: [Shape], width: Int, height: Int) -> String {
    var s = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)">
      <rect width="100%" height="100%" fill="white"/>

      """
    for shape in shapes {
      switch shape {
      case .polyline(let points, let color, let width, let dashed):
        let coords = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
        s += "<polyline points=\"\(coords)\" fill=\"none\" stroke=\"\(color.hex)\" stroke-width=\"\(n(width))\""
          + (dashed ? " stroke-dasharray=\"4 4\"" : "") + "/>\n"
      case .circle(let c, let r, let color):
        s += "<circle cx=\"\(n(c.x))\" cy=\"\(n(c.y))\" r=\"\(n(r))\" fill=\"\(color.hex)\"/>\n"
      case .rect(let r, let stroke, let fill):
        s += "<rect x=\"\(n(r.x))\" y=\"\(n(r.y))\" width=\"\(n(r.width))\" height=\"\(n(r.height))\" "
          + "fill=\"\(fill?.hex ?? "none")\" stroke=\"\(stroke.hex)\"/>\n"
      case .polygon(let points, let color):
        let coords = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
        s += "<polygon points=\"\(coords)\" fill=\"\(color.hex)\" fill-opacity=\"0.25\" stroke=\"none\"/>\n"
      case .text(let text, let at, let anchor, let color, let vertical):
        let a = anchor == .start ? "start" : anchor == .middle ? "middle" : "end"
        let rotate = vertical ? " transform=\"rotate(-90 \(n(at.x)) \(n(at.y)))\"" : ""
        s += "<text x=\"\(n(at.x))\" y=\"\(n(at.y))\" text-anchor=\"\(a)\" dominant-baseline=\"middle\" "
          + "font-family=\"monospace\" font-size=\"14\" fill=\"\(color.hex)\"\(rotate)>\(escape(text))</text>\n"
      }
    }
    return s + "</svg>\n"
  }

  private static func n(_ v: Double) -> String { String(format: "%.1f", v) }

  private static func escape(_ t: String) -> String {
    t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
  }
}
