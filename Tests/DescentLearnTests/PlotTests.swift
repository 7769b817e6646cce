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

  /// A min–max band is shaded (a quarter of the line's colour) between its low and high
  /// values, under the line, and only there; the SVG says the same with a polygon.
  @Test func bandIsShadedBetweenItsLowAndHigh() {
    let plot = Plot(series: [Plot.Series("a", xs: [0, 1], ys: [5, 5], color: .blue, band: (low: [2, 2], high: [8, 8]))])
    #expect(plot.svg().contains("<polygon") && plot.svg().contains("fill-opacity=\"0.25\""))
    let image = plot.raster(width: 400, height: 300)
    var tinted = 0, white = 0
    for y in 0..<image.height {
      let c = image[200, y]
      if c == PlotColor(199, 221, 236) { tinted += 1 }  // (3·255 + blue) / 4
      if c == .white { white += 1 }
    }
    // The band spans 6 of the axis's 6.6 units (5% padding): most of the plot's height.
    #expect(tinted > 150 && white > 10)
  }

  /// The LR-finder plot as SVG and raster: log axis labels, the marked suggestions, legend.
  @Test func lrFindPlot() throws {
    let plot = Plot.lrFind(Self.lrFindResult())
    let svg = plot.svg()
    #expect(svg.hasPrefix("<svg") && svg.contains(">1e-5</text>") && svg.contains(">Learning Rate</text>"))
    #expect(svg.components(separatedBy: "<circle").count - 1 == 2 * 2)  // two markers, two legend dots
    let image = plot.raster(width: 640, height: 480)
    #expect(image.pixels.count == 640 * 480 * 3)
    let inked = stride(from: 0, to: image.pixels.count, by: 3).filter { image.pixels[$0] != 255 || image.pixels[$0 + 2] != 255 }.count
    #expect(inked > 5000)
    // Blue curve pixels exist (the loss line).
    #expect(stride(from: 0, to: image.pixels.count, by: 3).contains { PlotColor(image.pixels[$0], image.pixels[$0 + 1], image.pixels[$0 + 2]) == .blue })
    try Self.keep(Figure([plot]), "lr_find")
  }

  @Test func writesPNGAndNamesAnUnwritablePath() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-plot-\(UUID()).png").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try PlotOutput.writePNG(Figure([Plot()]), to: path, width: 320, height: 200)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    #expect(bytes[16..<24].map { Int($0) } == [0, 0, 1, 64, 0, 0, 0, 200])
    do {
      try PlotOutput.writePNG(Figure([Plot()]), to: "/nonexistent/x.png")
      Issue.record("writing into a missing folder succeeded")
    } catch { #expect("\(error)".contains("/nonexistent/x.png")) }
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
    try PlotOutput.writePPM(f, to: "\(dir)/\(name).ppm", width: width)
  }
}
