import DescentData

/// A line chart as fastai draws its training plots: series of (x, y) points drawn as lines or
/// markers, optional log-scale x, dashed vertical marks (epoch boundaries), a title, axis
/// labels and a legend. Render it with `svg(...)` or `raster(...)`; a `Figure` puts several
/// side by side.
public struct Plot: Sendable {
  public enum Style: Sendable { case line, markers }

  public struct Series: Sendable {
    public var name: String
    public var xs: [Double]
    public var ys: [Double]
    public var style: Style
    public var color: PlotColor?
    /// A shaded band from `low` to `high` at each x (a min–max or error band), under the line.
    public var band: (low: [Double], high: [Double])?

    public init(_ name: String, xs: [Double], ys: [Double], style: Style = .line, color: PlotColor? = nil,
                band: (low: [Double], high: [Double])? = nil) {
      precondition(xs.count == ys.count, "plot series \(name): \(xs.count) x values for \(ys.count) y values")
      precondition(band.map { $0.low.count == xs.count && $0.high.count == xs.count } ?? true,
                   "plot series \(name): a band needs a low and a high value per x")
      self.name = name
      self.xs = xs
      self.ys = ys
      self.style = style
      self.color = color
      self.band = band
    }
  }

  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var logX: Bool
  public var logY: Bool
  public var series: [Series]
  /// x positions of dashed vertical lines.
  public var verticalLines: [Double]
  /// What the series' shaded bands are (`min–max over 3 seeds`), shown in the legend.
  public var bandLabel: String?

  public init(title: String = "", xLabel: String = "", yLabel: String = "", logX: Bool = false, logY: Bool = false,
              series: [Series] = [], verticalLines: [Double] = [], bandLabel: String? = nil) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.logX = logX
    self.logY = logY
    self.series = series
    self.verticalLines = verticalLines
    self.bandLabel = bandLabel
  }

  /// Standalone SVG of this plot alone.
  public func svg(width: Int = 640, height: Int = 480) -> String { Figure([self]).svg(width: width, height: height) }

  /// This plot alone as an RGB raster.
  public func raster(width: Int = 640, height: Int = 480) -> Image8 { Figure([self]).raster(width: width, height: height) }
}

/// Plots side by side in one image (fastai's `plot_sched` puts lr and mom in two panels).
public struct Figure: Sendable {
  public var panels: [Plot]

  public init(_ panels: [Plot]) {
    precondition(!panels.isEmpty, "a figure needs at least one plot")
    self.panels = panels
  }

  /// Drawing commands for the whole figure, each panel in its own column.
  func shapes(width: Int, height: Int) -> [Shape] {
    let w = Double(width) / Double(panels.count)
    return panels.enumerated().flatMap { i, p in
      PlotLayout(plot: p, frame: Rect(x: Double(i) * w, y: 0, width: w, height: Double(height))).shapes()
    }
  }

  /// The figure drawn on a new canvas of `kind`: the PNG and the SVG are one drawing.
  func canvas(_ kind: Canvas.Kind, width: Int, height: Int) -> Canvas {
    let canvas = Canvas(width: width, height: height, kind: kind)
    ShapeRenderer.draw(shapes(width: width, height: height), on: canvas)
    return canvas
  }

  public func svg(width: Int = 640, height: Int = 480) -> String { canvas(.svg, width: width, height: height).svg() }

  /// The figure as an RGB image (antialiased).
  public func raster(width: Int = 640, height: Int = 480) -> Image8 { canvas(.raster, width: width, height: height).image8() }
}
