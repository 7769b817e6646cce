/// An 8-bit RGB raster, row-major from the top-left, 3 bytes a pixel: what the plots render
/// to, and what `PlotOutput.writePNG` encodes.
public struct RGBImage: Sendable, Equatable {
  public let width: Int
  public let height: Int
  public var pixels: [UInt8]

  /// A `width`×`height` image filled with `background`.
  public init(width: Int, height: Int, background: PlotColor = .white) {
    precondition(width > 0 && height > 0, "RGBImage: size \(width)×\(height) is empty")
    self.width = width
    self.height = height
    pixels = [UInt8](repeating: 0, count: width * height * 3)
    for i in 0..<(width * height) {
      pixels[3 * i] = background.r
      pixels[3 * i + 1] = background.g
      pixels[3 * i + 2] = background.b
    }
  }

  public subscript(x: Int, y: Int) -> PlotColor {
    get {
      let i = 3 * (y * width + x)
      return PlotColor(pixels[i], pixels[i + 1], pixels[i + 2])
    }
    set {
      guard x >= 0, y >= 0, x < width, y < height else { return }
      let i = 3 * (y * width + x)
      pixels[i] = newValue.r
      pixels[i + 1] = newValue.g
      pixels[i + 2] = newValue.b
    }
  }

  /// The image as a binary PPM (P6) file: a format any viewer opens, for checking plots
  /// before a PNG writer is hooked in.
  public var ppm: [UInt8] { Array("P6\n\(width) \(height)\n255\n".utf8) + pixels }
}

/// A colour of the plots (matplotlib's default cycle first, as fastai's plots use).
public struct PlotColor: Sendable, Equatable {
  public var r, g, b: UInt8
  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }

  public static let white = PlotColor(255, 255, 255)
  public static let black = PlotColor(0, 0, 0)
  public static let grid = PlotColor(225, 225, 225)
  public static let gray = PlotColor(128, 128, 128)
  public static let blue = PlotColor(31, 119, 180)
  public static let orange = PlotColor(255, 127, 14)
  public static let green = PlotColor(44, 160, 44)
  public static let red = PlotColor(214, 39, 40)
  public static let purple = PlotColor(148, 103, 189)
  /// The order series take colours in.
  public static let cycle: [PlotColor] = [.blue, .orange, .green, .red, .purple]

  var hex: String {
    func h(_ v: UInt8) -> String { let s = String(v, radix: 16); return s.count == 1 ? "0" + s : s }
    return "#" + h(r) + h(g) + h(b)
  }
}
