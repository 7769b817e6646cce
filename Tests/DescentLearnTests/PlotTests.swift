import DescentData
import Foundation
import Testing
@testable import DescentLearn

@Suite struct PlotTests {
  static func lrFindResult() -> LRFindResult {
    let lrs = (0..<80).map { 1e-7 * pow(1e8, Double($0) / 99) }
    let losses = LRFinderReference.bowlLosses
    let curve = LRFinderCurve.trimmed(lrs: lrs, losses: losses, numIt: 100)
    let found = [SuggestionMethod.valley, .minimum].map { ($0, $0.suggest(lrs: curve.lrs, losses: curve.losses)!) }
    return LRFindResult(lrs: lrs, losses: losses, suggestions: found)
  }

  @Test func ticks() {
    #expect(AxisTicks.linear(0, 1, target: 5).map(\.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    #expect(AxisTicks.log(-7, 1).map(\.label) == ["1e-7", "1e-6", "1e-5", "1e-4", "1e-3", "1e-2", "1e-1", "1e0", "1e1"])
    #expect(AxisTicks.linear(0.3, 2.4, target: 5).first?.label == "0.5")
    // Epochs: whole numbers only, however few there are.
    #expect(AxisTicks.linear(0, 2, target: 6, integers: true).map(\.label) == ["0", "1", "2"])
    #expect(AxisTicks.linear(0, 20, target: 5, integers: true).map(\.label) == ["0", "5", "10", "15", "20"])
  }

  /// A log axis spanning few decades still gets labelled ticks: 1, 2, 5 per decade, then every
  /// digit (a compare's valid_loss between 0.3 and 0.9 had none).
  @Test func logTicksWithinFewDecades() {
    #expect(AxisTicks.log(log10(0.003), log10(0.2)).map(\.label) == ["5e-3", "1e-2", "2e-2", "5e-2", "1e-1", "2e-1"])
    #expect(AxisTicks.log(log10(0.3), log10(0.9)).map(\.label) == ["3e-1", "4e-1", "5e-1", "6e-1", "7e-1", "8e-1", "9e-1"])
    #expect(AxisTicks.log(-7, 1, maxTicks: 4).map(\.label) == ["1e-7", "1e-4", "1e-1"])
  }

  static func circles(_ shapes: [Shape]) -> Int { shapes.count { if case .circle = $0 { return true }; return false } }

  /// One epoch: a one-point line is drawn as a marker and its band as a bar; the legend says
  /// what the shading is.
  @Test func aOnePointSeriesIsDrawn() {
    let band = Plot.Series("adam", xs: [0], ys: [0.8], color: .blue, band: (low: [0.7], high: [0.9]))
    let plot = Plot(series: [band, Plot.Series("sgd", xs: [0], ys: [0.5])], bandLabel: "shaded: min–max over 3 seeds")
    let shapes = PlotLayout(plot: plot, frame: Rect(x: 0, y: 0, width: 480, height: 400)).shapes()
    #expect(Self.circles(shapes) == 2)
    #expect(shapes.contains { if case .polygon(let points, _) = $0 { return points.count == 4 && points[0].x > 100 }; return false })
    #expect(shapes.contains { if case .text(let t, _, _, _, _) = $0 { return t == "shaded: min–max over 3 seeds" }; return false })
  }

  /// lr_find's minimum is marked at the lowest loss's lr, as fastai marks it; its legend says
  /// that the suggestion is a tenth of that.
  @Test func lrFindLegendAgreesWithItsMarkers() throws {
    let result = Self.lrFindResult()
    let minimum = try #require(result[.minimum])
    let series = Plot.lrFind(result).series
    let marked = try #require(series.first { $0.name.hasPrefix("minimum") })
    #expect(marked.xs == [minimum.point.lr] && abs(minimum.point.lr / minimum.lr - 10) < 1e-9)
    #expect(marked.name == "minimum \(String(format: "%.2e", minimum.lr)) = marked lr ÷ 10")
    #expect(try #require(series.first { $0.name.hasPrefix("valley") }).name == "valley \(String(format: "%.2e", result[.valley]!.lr))")
  }

  /// The legend goes to a corner the lines leave free: away from the upper right where rising
  /// accuracy curves end, there (the default) over falling losses.
  @Test(arguments: [([0.1, 0.6, 0.85], false), ([5.0, 1.0, 0.5], true)])
  func legendAvoidsTheLines(ys: [Double], upperRight: Bool) {
    let series = [Plot.Series("a", xs: [0, 1, 2], ys: ys), Plot.Series("b", xs: [0, 1, 2], ys: ys.map { $0 * 0.9 })]
    let frame = Rect(x: 0, y: 0, width: 480, height: 400)
    let shapes = PlotLayout(plot: Plot(title: "t", xLabel: "epoch", series: series), frame: frame).shapes()
    let legends = shapes.compactMap { shape -> Rect? in
      if case .rect(let r, _, let fill) = shape, fill == .white { return r }
      return nil
    }
    #expect(legends.count == 1)
    #expect((legends[0].y < frame.height / 2 && legends[0].x > frame.width / 2) == upperRight)
  }

  /// A min–max band is shaded (a quarter of the line's colour over white) between its low and
  /// high values, under the line, and only there.
  @Test func bandIsShadedBetweenItsLowAndHigh() {
    let plot = Plot(series: [Plot.Series("a", xs: [0, 1], ys: [5, 5], color: .blue, band: (low: [2, 2], high: [8, 8]))])
    let image = plot.raster(width: 400, height: 300)
    var tinted = 0, white = 0
    for y in 0..<image.height {
      let c = image.color(x: 200, y: y)
      // (3·255 + blue) / 4, within cairo's rounding.
      if abs(Int(c.r) - 199) <= 1 && abs(Int(c.g) - 221) <= 1 && abs(Int(c.b) - 236) <= 1 { tinted += 1 }
      if c == .white { white += 1 }
    }
    // The band spans 6 of the axis's 6.6 units (5% padding): most of the plot's height.
    #expect(tinted > 150 && white > 10)
  }

  /// The LR-finder plot: its size, antialiased lines, the loss curve's colour, and text where
  /// the labels go — the title above the plot area and the x label under it.
  @Test func lrFindPlot() throws {
    let plot = Plot.lrFind(Self.lrFindResult())
    let image = plot.raster(width: 640, height: 480)
    #expect(image.width == 640 && image.height == 480 && image.pixels.count == 640 * 480 * 3)
    var colors = Set<[UInt8]>()
    for y in 0..<image.height { for x in 0..<image.width { let c = image.color(x: x, y: y); colors.insert([c.r, c.g, c.b]) } }
    // Antialiasing blends edges into many shades; a 1-bit pen would leave a handful of colours.
    #expect(colors.count > 200)
    #expect(colors.contains([PlotColor.blue.r, PlotColor.blue.g, PlotColor.blue.b]))
    func dark(_ xs: Range<Int>, _ ys: Range<Int>) -> Int {
      ys.reduce(0) { n, y in n + xs.filter { image.color(x: $0, y: y).r < 100 }.count }
    }
    // The title, centred on the plot area, 16 px from the top; the x label 40 px under the axis.
    #expect(dark(250..<420, 8..<24) > 60)
    #expect(dark(0..<640, 0..<8) == 0)
    #expect(dark(250..<420, 430..<448) > 60)
    try Self.keep(Figure([plot]), "lr_find")
  }

  /// The SVG is the same drawing on cairo's SVG surface: text as glyphs, the lines as paths.
  @Test func svgIsTheSameDrawing() {
    let plot = Plot(title: "Learning rate", xLabel: "steps", series: [Plot.Series("a", xs: [0, 1, 2], ys: [3, 1, 2])])
    let svg = plot.svg(width: 320, height: 240)
    #expect(svg.contains("<svg") && svg.contains("width=\"320px\"") && svg.contains("height=\"240px\""))
    // Every character of the title and labels is a glyph drawn with <use>; "g" has a descender.
    #expect(svg.contains("<symbol") && svg.components(separatedBy: "<use").count - 1 >= "Learningratesteps".count)
    #expect(svg.contains("<path"))
    // Both come from one drawing path: the same calls on a raster and on an SVG canvas.
    let figure = Figure([plot])
    let raster = figure.canvas(.raster, width: 320, height: 240), vector = figure.canvas(.svg, width: 320, height: 240)
    #expect(raster.drawCalls == vector.drawCalls && raster.drawCalls > 10, "\(raster.drawCalls) and \(vector.drawCalls) calls")
  }

  @Test func writesPNGAndNamesAnUnwritablePath() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-plot-\(UUID()).png").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try PlotOutput.writePNG(Figure([Plot()]), to: path, width: 320, height: 200)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    #expect(bytes[16..<24].map { Int($0) } == [0, 0, 1, 64, 0, 0, 0, 200])
    // The extension picks the format.
    let svgPath = path.replacingOccurrences(of: ".png", with: ".svg")
    defer { try? FileManager.default.removeItem(atPath: svgPath) }
    try PlotOutput.write(Figure([Plot()]), to: svgPath, width: 320, height: 200)
    #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: svgPath)), as: UTF8.self).contains("<svg"))
    #expect(PlotOutput.isPlotFile("a.SVG") && PlotOutput.isPlotFile("a.png") && !PlotOutput.isPlotFile("a.jpg"))
    for bad in ["/nonexistent/x.png", "/nonexistent/x.svg"] {
      do {
        try PlotOutput.write(Figure([Plot()]), to: bad)
        Issue.record("writing into a missing folder succeeded")
      } catch { #expect("\(error)".contains(bad)) }
    }
  }

  /// Losses and schedule plots from a short real run.
  @Test func trainingPlots() throws {
    let learn = Toy.learner()
    try learn.fitOneCycle(3, lrMax: 0.05)
    let losses = Plot.losses(learn.recorder, skipStart: 0)
    #expect(losses.series.count == 2 && losses.series[1].xs == [4, 8, 12])
    #expect(losses.verticalLines == [4, 8])
    let sched = Plot.schedule(learn.recorder)
    #expect(sched.panels.count == 2)
    try Self.keep(Figure([losses]), "losses")
    try Self.keep(sched, "schedule", width: 960)
  }

  /// Leaves the images in the temporary folder for a person to look at.
  static func keep(_ f: Figure, _ name: String, width: Int = 640) throws {
    let dir = NSTemporaryDirectory() + "descent-plots"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try PlotOutput.writeSVG(f, to: "\(dir)/\(name).svg", width: width)
    try PlotOutput.writePNG(f, to: "\(dir)/\(name).png", width: width)
  }
}
