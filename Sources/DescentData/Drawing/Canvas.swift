import CCairo
import Foundation

/// A picture drawn through cairo, as a raster (antialiased, RGB) or as an SVG document: the
/// same calls draw both, so a plot's PNG and SVG are one drawing. Coordinates are pixels from
/// the top-left; text is DejaVu Sans, found through fontconfig. A canvas is used from one
/// thread (cairo contexts are not shared).
public final class Canvas {
  public enum Kind { case raster, svg }
  public enum Anchor { case start, middle, end }

  /// The font every text uses (fonts-dejavu-core); fontconfig falls back to another sans-serif
  /// if it is missing, so drawing never fails for want of it.
  public static let fontFamily = "DejaVu Sans"

  public let width: Int
  public let height: Int
  public let kind: Kind
  private let surface: OpaquePointer
  private let cr: OpaquePointer
  /// The SVG document as cairo streams it out.
  private let stream = SVGStream()
  private var finished = false
  /// Drawing calls made so far (the white background included): what a raster and an SVG of
  /// one drawing have in common, for tests.
  public private(set) var drawCalls = 0

  /// A white canvas.
  public init(width: Int, height: Int, kind: Kind = .raster) {
    precondition(width > 0 && height > 0, "Canvas: size \(width)×\(height) is empty")
    self.width = width
    self.height = height
    self.kind = kind
    switch kind {
    case .raster:
      surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))
    case .svg:
      surface = cairo_svg_surface_create_for_stream({ closure, data, length in
        let stream = Unmanaged<SVGStream>.fromOpaque(closure!).takeUnretainedValue()
        stream.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
      }, Unmanaged.passUnretained(stream).toOpaque(), Double(width), Double(height))
      // Sized in pixels, as the raster is (cairo's default unit is the point: 4/3 larger).
      cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX)
    }
    cr = cairo_create(surface)
    cairo_select_font_face(cr, Self.fontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
    fill(x: 0, y: 0, width: Double(width), height: Double(height), color: .white)
  }

  deinit {
    cairo_destroy(cr)
    cairo_surface_destroy(surface)
  }

  private func source(_ c: PlotColor, alpha: Double = 1) {
    cairo_set_source_rgba(cr, Double(c.r) / 255, Double(c.g) / 255, Double(c.b) / 255, alpha)
  }

  private func path(_ points: [(x: Double, y: Double)]) {
    guard let first = points.first else { return }
    cairo_move_to(cr, first.x, first.y)
    for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
  }

  /// A line through `points`; `dash` is the on and off lengths of a dashed line.
  public func polyline(_ points: [(x: Double, y: Double)], color: PlotColor, width: Double, dash: Double? = nil) {
    drawCalls += 1
    guard points.count > 1 else { return }
    path(points)
    source(color)
    cairo_set_line_width(cr, width)
    if let dash { withUnsafePointer(to: dash) { cairo_set_dash(cr, $0, 1, 0) } }
    cairo_stroke(cr)
    // Solid again for the next line (every line starts solid).
    cairo_set_dash(cr, nil, 0, 0)
  }

  /// A closed polygon filled with `color` at `alpha`.
  public func polygon(_ points: [(x: Double, y: Double)], color: PlotColor, alpha: Double = 1) {
    drawCalls += 1
    guard points.count > 2 else { return }
    path(points)
    cairo_close_path(cr)
    source(color, alpha: alpha)
    cairo_fill(cr)
  }

  public func circle(x: Double, y: Double, radius: Double, color: PlotColor) {
    drawCalls += 1
    cairo_new_sub_path(cr)
    cairo_arc(cr, x, y, radius, 0, 2 * Double.pi)
    source(color)
    cairo_fill(cr)
  }

  public func fill(x: Double, y: Double, width: Double, height: Double, color: PlotColor) {
    drawCalls += 1
    cairo_rectangle(cr, x, y, width, height)
    source(color)
    cairo_fill(cr)
  }

  /// A rectangle's outline, one pixel wide and on pixel centres, so it stays crisp.
  public func stroke(x: Double, y: Double, width: Double, height: Double, color: PlotColor) {
    drawCalls += 1
    cairo_rectangle(cr, x.rounded() + 0.5, y.rounded() + 0.5, width.rounded(), height.rounded())
    source(color)
    cairo_set_line_width(cr, 1)
    cairo_stroke(cr)
  }

  /// `text` whose middle (between the baseline and the top of a capital) is at `y`, starting,
  /// centred or ending at `x`; `vertical` text reads bottom to top with its middle at `x`.
  public func text(_ text: String, x: Double, y: Double, size: Double, anchor: Anchor = .start, color: PlotColor = .black,
                   vertical: Bool = false) {
    drawCalls += 1
    guard !text.isEmpty else { return }
    cairo_set_font_size(cr, size)
    var extents = cairo_text_extents_t()
    cairo_text_extents(cr, text, &extents)
    let along = anchor == .start ? 0 : anchor == .middle ? -extents.x_advance / 2 : -extents.x_advance
    let middle = Self.capitalHeight(size) / 2
    cairo_save(cr)
    cairo_translate(cr, x, y)
    if vertical { cairo_rotate(cr, -Double.pi / 2) }
    cairo_move_to(cr, along, middle)
    source(color)
    cairo_show_text(cr, text)
    cairo_restore(cr)
  }

  /// An RGB or gray image (`channels` 3 or 1, row-major bytes) drawn at (x, y), each source
  /// pixel a `scale`×`scale` block (nearest neighbour: pixels stay visible).
  public func image(_ pixels: [UInt8], width: Int, height: Int, channels: Int, x: Double, y: Double, scale: Double) {
    drawCalls += 1
    precondition(channels == 1 || channels == 3, "Canvas.image: \(channels) channels (expected 1 or 3)")
    precondition(pixels.count == width * height * channels, "Canvas.image: \(pixels.count) bytes for \(width)×\(height)×\(channels)")
    let picture = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))!
    defer { cairo_surface_destroy(picture) }
    cairo_surface_flush(picture)
    let stride = Int(cairo_image_surface_get_stride(picture))
    let data = cairo_image_surface_get_data(picture)!
    for row in 0..<height {
      let line = UnsafeMutableRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
      for col in 0..<width {
        let i = (row * width + col) * channels
        let (r, g, b) = channels == 1 ? (pixels[i], pixels[i], pixels[i]) : (pixels[i], pixels[i + 1], pixels[i + 2])
        line[col] = UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
      }
    }
    cairo_surface_mark_dirty(picture)
    cairo_save(cr)
    cairo_translate(cr, x, y)
    cairo_scale(cr, scale, scale)
    cairo_set_source_surface(cr, picture, 0, 0)
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
    cairo_rectangle(cr, 0, 0, Double(width), Double(height))
    cairo_fill(cr)
    cairo_restore(cr)
  }

  /// The raster's pixels, RGB, row-major from the top-left.
  public func rgb() -> [UInt8] {
    precondition(kind == .raster, "Canvas.rgb: an SVG canvas has no pixels")
    cairo_surface_flush(surface)
    let stride = Int(cairo_image_surface_get_stride(surface))
    let data = cairo_image_surface_get_data(surface)!
    var out = [UInt8](repeating: 0, count: width * height * 3)
    for row in 0..<height {
      let line = UnsafeRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
      for col in 0..<width {
        let v = line[col], o = (row * width + col) * 3
        out[o] = UInt8(truncatingIfNeeded: v >> 16)
        out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
        out[o + 2] = UInt8(truncatingIfNeeded: v)
      }
    }
    return out
  }

  /// The raster as an RGB image.
  public func image8() -> Image8 { Image8(width: width, height: height, channels: 3, pixels: rgb()) }

  /// The SVG document; the canvas takes no more drawing after it.
  public func svg() -> String {
    precondition(kind == .svg, "Canvas.svg: a raster canvas")
    if !finished {
      cairo_surface_finish(surface)
      finished = true
    }
    return String(decoding: stream.bytes, as: UTF8.self)
  }

  /// The advance width of `text` at `size` pixels, for layouts that place text before drawing.
  public static func textWidth(_ text: String, size: Double) -> Double {
    measure { cr in
      cairo_set_font_size(cr, size)
      var extents = cairo_text_extents_t()
      cairo_text_extents(cr, text, &extents)
      return extents.x_advance
    }
  }

  /// The height of a capital letter at `size` pixels (DejaVu Sans: 0.73 em).
  public static func capitalHeight(_ size: Double) -> Double { 0.73 * size }

  private static func measure(_ body: (OpaquePointer) -> Double) -> Double {
    let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1)!
    let cr = cairo_create(surface)!
    defer {
      cairo_destroy(cr)
      cairo_surface_destroy(surface)
    }
    cairo_select_font_face(cr, fontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
    return body(cr)
  }
}

/// Where cairo's SVG surface writes its document (a class: cairo holds a pointer to it).
private final class SVGStream {
  var bytes: [UInt8] = []
}
