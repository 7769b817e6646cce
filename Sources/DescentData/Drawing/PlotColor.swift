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
}

extension Image8 {
  /// The colour of an RGB image's pixel (x from the left, y from the top).
  public func color(x: Int, y: Int) -> PlotColor {
    precondition(channels == 3, "Image8.color: an RGB image, not \(channels) channels")
    let i = (y * width + x) * 3
    return PlotColor(pixels[i], pixels[i + 1], pixels[i + 2])
  }
}
