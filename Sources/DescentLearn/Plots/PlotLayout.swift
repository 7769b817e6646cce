import DescentData
import Foundation

/// Places one plot's axes, ticks, labels, series and legend inside a frame.
struct PlotLayout {
  let plot: Plot
  let frame: Rect

  func shapes() -> [Shape] {
    var out: [Shape] = []
    let tx: (Double) -> Double = { plot.logX ? ($0 > 0 ? log10($0) : -.infinity) : $0 }
    let ty: (Double) -> Double = { plot.logY ? ($0 > 0 ? log10($0) : -.infinity) : $0 }
    // Data ranges over finite points (a log axis drops values ≤ 0), in axis coordinates.
    var xs: [Double] = [], ys: [Double] = []
    for s in plot.series {
      for (x, y) in zip(s.xs, s.ys) where tx(x).isFinite && ty(y).isFinite {
        xs.append(tx(x))
        ys.append(ty(y))
      }
      // A band shows whole.
      for y in (s.band?.low ?? []) + (s.band?.high ?? []) where ty(y).isFinite { ys.append(ty(y)) }
    }
    for v in plot.verticalLines where tx(v).isFinite { xs.append(tx(v)) }
    var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
    var (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
    if x1 <= x0 { x0 -= 0.5; x1 += 0.5 }
    if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
    let pad = (y1 - y0) * 0.05
    y0 -= pad
    y1 += pad
    // The plot area: the left margin fits the widest y tick label and the rotated y label.
    let top = frame.y + (plot.title.isEmpty ? 16 : 36)
    let height = frame.height - (top - frame.y) - 58
    let yTicks = plot.logY
      ? AxisTicks.log(y0, y1, maxTicks: max(2, Int(height / 40))) : AxisTicks.linear(y0, y1, target: max(2, Int(height / 60)))
    let left = (plot.yLabel.isEmpty ? 8 : 30) + (yTicks.map { TextMetrics.width($0.label) }.max() ?? 0) + 12
    let area = Rect(x: frame.x + left, y: top, width: frame.width - left - 18, height: height)
    func px(_ x: Double) -> Double { area.x + (tx(x) - x0) / (x1 - x0) * area.width }
    func pxT(_ t: Double) -> Double { area.x + (t - x0) / (x1 - x0) * area.width }
    func pyT(_ t: Double) -> Double { area.maxY - (t - y0) / (y1 - y0) * area.height }
    func py(_ y: Double) -> Double { pyT(ty(y)) }

    // Grid, ticks and tick labels.
    let maxXTicks = max(2, Int(area.width / (TextMetrics.charWidth * 7)))
    let wholeXs = plot.series.allSatisfy { $0.xs.allSatisfy { $0 == $0.rounded() } }
    let xTicks = plot.logX
      ? AxisTicks.log(x0, x1, maxTicks: maxXTicks) : AxisTicks.linear(x0, x1, target: min(6, maxXTicks), integers: wholeXs)
    for (v, label) in xTicks {
      let x = pxT(v)
      out.append(.polyline([Point(x: x, y: area.y), Point(x: x, y: area.maxY)], color: .grid, width: 1, dashed: false))
      out.append(.polyline([Point(x: x, y: area.maxY), Point(x: x, y: area.maxY + 5)], color: .black, width: 1, dashed: false))
      out.append(.text(label, at: Point(x: x, y: area.maxY + 16), anchor: .middle, color: .black, vertical: false))
    }
    for (v, label) in yTicks {
      let y = pyT(v)
      out.append(.polyline([Point(x: area.x, y: y), Point(x: area.maxX, y: y)], color: .grid, width: 1, dashed: false))
      out.append(.polyline([Point(x: area.x - 5, y: y), Point(x: area.x, y: y)], color: .black, width: 1, dashed: false))
      out.append(.text(label, at: Point(x: area.x - 8, y: y), anchor: .end, color: .black, vertical: false))
    }
    for v in plot.verticalLines where tx(v).isFinite {
      out.append(.polyline([Point(x: px(v), y: area.y), Point(x: px(v), y: area.maxY)], color: .gray, width: 1, dashed: true))
    }

    // Series: lines break at non-finite points. `drawn` keeps points along every line, for the
    // legend to avoid.
    var drawn: [Point] = []
    // Bands first, under every line.
    for (i, s) in plot.series.enumerated() {
      guard let band = s.band else { continue }
      let color = s.color ?? PlotColor.cycle[i % PlotColor.cycle.count]
      let points = zip(s.xs, zip(band.low, band.high)).filter { tx($0.0).isFinite && ty($0.1.0).isFinite && ty($0.1.1).isFinite }
      if points.count == 1, let (x, (low, high)) = points.first {
        // One x (a one-epoch comparison): the band is a bar across the point.
        out.append(Self.shaded(Rect(x: px(x) - 4, y: py(high), width: 8, height: py(low) - py(high)), color))
        continue
      }
      guard points.count > 1 else { continue }
      let upper = points.map { Point(x: px($0.0), y: py($0.1.1)) }
      let lower = points.reversed().map { Point(x: px($0.0), y: py($0.1.0)) }
      out.append(.polygon(upper + lower, color: color))
    }
    for (i, s) in plot.series.enumerated() {
      let color = s.color ?? PlotColor.cycle[i % PlotColor.cycle.count]
      var run: [Point] = []
      func flush() {
        if run.count == 1 {
          // A one-point line (one epoch) would draw nothing: a marker shows it.
          out.append(.circle(run[0], radius: 4, color: color))
          drawn.append(run[0])
        }
        if run.count > 1 {
          out.append(.polyline(run, color: color, width: 2, dashed: false))
          for (a, b) in zip(run, run.dropFirst()) {
            for k in 0..<16 {
              let t = Double(k) / 16
              drawn.append(Point(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t))
            }
          }
          drawn.append(run[run.count - 1])
        }
        run = []
      }
      for (x, y) in zip(s.xs, s.ys) {
        guard tx(x).isFinite, ty(y).isFinite else { flush(); continue }
        let p = Point(x: px(x), y: py(y))
        if s.style == .markers {
          out.append(.circle(p, radius: 5, color: color))
          drawn.append(p)
        } else {
          run.append(p)
        }
      }
      flush()
    }
    out.append(.rect(area, stroke: .black, fill: nil))

    // Labels and legend.
    if !plot.title.isEmpty {
      out.append(.text(plot.title, at: Point(x: area.x + area.width / 2, y: frame.y + 16), anchor: .middle, color: .black, vertical: false))
    }
    if !plot.xLabel.isEmpty {
      out.append(.text(plot.xLabel, at: Point(x: area.x + area.width / 2, y: area.maxY + 40), anchor: .middle, color: .black, vertical: false))
    }
    if !plot.yLabel.isEmpty {
      out.append(.text(plot.yLabel, at: Point(x: frame.x + 14, y: area.y + area.height / 2), anchor: .middle, color: .black, vertical: true))
    }
    let named = plot.series.enumerated().filter { !$0.element.name.isEmpty }
    let bandLabel = plot.series.contains { $0.band != nil } ? plot.bandLabel : nil
    if named.count > 1 || named.contains(where: { $0.element.style == .markers }) || bandLabel != nil {
      let width = ((named.map { TextMetrics.width($0.element.name) } + [bandLabel.map(TextMetrics.width) ?? 0]).max() ?? 0) + 44
      let rows = named.count + (bandLabel == nil ? 0 : 1)
      let box = legendBox(width: width, height: Double(rows) * 20 + 8, in: area, avoiding: drawn)
      out.append(.rect(box, stroke: .gray, fill: .white))
      for (row, (i, s)) in named.enumerated() {
        let color = s.color ?? PlotColor.cycle[i % PlotColor.cycle.count]
        let y = box.y + 14 + Double(row) * 20
        if s.style == .markers {
          out.append(.circle(Point(x: box.x + 18, y: y), radius: 5, color: color))
        } else {
          out.append(.polyline([Point(x: box.x + 6, y: y), Point(x: box.x + 30, y: y)], color: color, width: 2, dashed: false))
        }
        out.append(.text(s.name, at: Point(x: box.x + 36, y: y), anchor: .start, color: .black, vertical: false))
      }
      if let bandLabel {
        let y = box.y + 14 + Double(named.count) * 20
        out.append(Self.shaded(Rect(x: box.x + 6, y: y - 6, width: 24, height: 12), PlotColor.cycle[0]))
        out.append(.text(bandLabel, at: Point(x: box.x + 36, y: y), anchor: .start, color: .black, vertical: false))
      }
    }
    return out
  }

  /// `rect` shaded as a band is (a polygon: drawn in the band's tint, not the colour itself).
  private static func shaded(_ rect: Rect, _ color: PlotColor) -> Shape {
    .polygon([Point(x: rect.x, y: rect.y), Point(x: rect.maxX, y: rect.y), Point(x: rect.maxX, y: rect.maxY), Point(x: rect.x, y: rect.maxY)],
             color: color)
  }

  /// The corner of `area` where a legend of this size covers the fewest drawn points (like
  /// matplotlib's loc="best"); upper right when several tie.
  private func legendBox(width: Double, height: Double, in area: Rect, avoiding points: [Point]) -> Rect {
    let left = area.x + 8, right = area.maxX - width - 8
    let top = area.y + 8, bottom = area.maxY - height - 8
    let corners = [(right, top), (left, top), (right, bottom), (left, bottom)].map {
      Rect(x: $0.0, y: $0.1, width: width, height: height)
    }
    func covered(_ box: Rect) -> Int {
      points.count { $0.x >= box.x && $0.x <= box.maxX && $0.y >= box.y && $0.y <= box.maxY }
    }
    return corners.min { covered($0) < covered($1) }!
  }
}
