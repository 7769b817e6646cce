import Foundation
import DescentData

/// fastai's training plots as `Plot`s, and the hook that writes them as PNG.
extension Plot {
  /// The LR finder's curve (fastai's `plot_lr_find`): smoothed loss against learning rate on
  /// a log axis, without the last `skipEnd` points, with the suggestions marked.
  public static func lrFind(_ result: LRFindResult, skipEnd: Int = 5) -> Plot {
    let n = max(0, result.lrs.count - skipEnd)
    var series = [Series("", xs: Array(result.lrs.prefix(n)), ys: Array(result.losses.prefix(n)))]
    for (i, (method, s)) in result.suggestions.enumerated() {
      // fastai marks `minimum` at the lowest loss's lr and suggests a tenth of it: say so.
      let note = s.point.lr != s.lr ? " = marked lr ÷ \(String(format: "%g", s.point.lr / s.lr))" : ""
      series.append(Series("\(method.rawValue) \(String(format: "%.2e", s.lr))\(note)", xs: [s.point.lr],
                           ys: [s.point.loss], style: .markers, color: PlotColor.cycle[(i + 1) % PlotColor.cycle.count]))
    }
    return Plot(title: "learning rate finder", xLabel: "Learning Rate", yLabel: "Loss", logX: true, series: series)
  }

  /// Training loss per batch from `skipStart` on and validation loss per epoch (fastai's
  /// `plot_loss`), with dashed lines at epoch ends.
  public static func losses(_ recorder: Recorder, skipStart: Int = 5, withValid: Bool = true) -> Plot {
    let start = min(skipStart, recorder.losses.count)
    var series = [Series("train", xs: (start..<recorder.losses.count).map(Double.init), ys: Array(recorder.losses[start...]))]
    if withValid, let column = recorder.metricNames.firstIndex(of: "valid_loss").map({ $0 - 1 }) {
      var xs: [Double] = [], ys: [Double] = []
      for (iter, row) in zip(recorder.iters, recorder.values) where iter >= start && column < row.count {
        if case .number(let v) = row[column] {
          xs.append(Double(iter))
          ys.append(v)
        }
      }
      series.append(Series("valid", xs: xs, ys: ys, style: xs.count > 1 ? .line : .markers))
    }
    return Plot(title: "learning curve", xLabel: "steps", yLabel: "loss", series: series,
                verticalLines: recorder.iters.dropLast().map(Double.init))
  }

  /// Learning rate and momentum per batch (fastai's `plot_sched`), one panel each.
  public static func schedule(_ recorder: Recorder) -> Figure {
    var panels = [Plot(title: "lr", xLabel: "steps", yLabel: "lr",
                       series: [Series("lr", xs: recorder.lrs.indices.map(Double.init), ys: recorder.lrs)])]
    if !recorder.moms.isEmpty {
      panels.append(Plot(title: "mom", xLabel: "steps", yLabel: "mom",
                         series: [Series("mom", xs: recorder.moms.indices.map(Double.init), ys: recorder.moms)]))
    }
    return Figure(panels)
  }
}

/// Writing plots to files: PNG through DescentData's encoder, or SVG; both atomically (a
/// temporary file, then a rename), and both the same cairo drawing.
public enum PlotOutput {
  /// Whether `path` names a file a plot can be written to: `.png` or `.svg`.
  public static func isPlotFile(_ path: String) -> Bool {
    let lower = path.lowercased()
    return lower.hasSuffix(".png") || lower.hasSuffix(".svg")
  }

  /// Writes PNG or SVG, as the file's extension says.
  public static func write(_ figure: Figure, to path: String, width: Int = 640, height: Int = 480) throws {
    if path.lowercased().hasSuffix(".svg") {
      try writeSVG(figure, to: path, width: width, height: height)
    } else {
      try writePNG(figure, to: path, width: width, height: height)
    }
  }

  public static func writeSVG(_ figure: Figure, to path: String, width: Int = 640, height: Int = 480) throws {
    do {
      try Data(figure.svg(width: width, height: height).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw PlotError.write(path: path)
    }
  }

  public static func writePNG(_ figure: Figure, to path: String, width: Int = 640, height: Int = 480) throws {
    let image = figure.raster(width: width, height: height)
    try PNGImage.write(image.pixels, width: image.width, height: image.height, channels: 3, to: URL(fileURLWithPath: path))
  }
}

public enum PlotError: Error, CustomStringConvertible {
  case write(path: String)

  public var description: String {
    switch self {
    case .write(let path): return "cannot write \(path)"
    }
  }
}
