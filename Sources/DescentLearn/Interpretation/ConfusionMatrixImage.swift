import DescentData

/// The confusion matrix as fastai's `plot_confusion_matrix` draws it: one cell per (actual,
/// predicted) pair, shaded from white to blue by its share of the row's items, with the count
/// written in it, class names along both axes (the predicted ones turned upright).
public enum ConfusionMatrixImage {
  static let textSize = 12.0

  public static func render(_ matrix: [[Int]], classes: [String], cell: Int = 40) -> Image8 {
    let n = classes.count, c = Double(cell)
    let labelWidth = (classes.map { Canvas.textWidth($0, size: textSize) }.max() ?? 0) + 10
    let title = 30.0, axisLabel = 22.0
    let left = axisLabel + labelWidth, top = title
    let width = Int((left + Double(n) * c + 12).rounded(.up)), height = Int((top + Double(n) * c + labelWidth + axisLabel + 4).rounded(.up))
    let canvas = Canvas(width: width, height: height)
    canvas.text("Confusion matrix", x: left + Double(n) * c / 2, y: 15, size: 14, anchor: .middle)
    for (a, row) in matrix.enumerated() {
      let total = max(1, row.reduce(0, +))
      for (p, count) in row.enumerated() {
        let share = Double(count) / Double(total)
        let shade = PlotColor(UInt8(255 - share * 222), UInt8(255 - share * 150), UInt8(255 - share * 75))
        let x = left + Double(p) * c, y = top + Double(a) * c
        canvas.fill(x: x, y: y, width: c - 1, height: c - 1, color: shade)
        canvas.text(String(count), x: x + c / 2, y: y + c / 2, size: textSize, anchor: .middle, color: share > 0.5 ? .white : .black)
      }
      canvas.text(classes[a], x: left - 6, y: top + Double(a) * c + c / 2, size: textSize, anchor: .end)
    }
    // Predicted class names under the columns, upright as matplotlib's rotated tick labels.
    for (p, name) in classes.enumerated() {
      canvas.text(name, x: left + Double(p) * c + c / 2, y: top + Double(n) * c + 6, size: textSize, anchor: .end, vertical: true)
    }
    canvas.text("actual", x: 11, y: top + Double(n) * c / 2, size: textSize, anchor: .middle, vertical: true)
    canvas.text("predicted", x: left + Double(n) * c / 2, y: Double(height) - 11, size: textSize, anchor: .middle)
    return canvas.image8()
  }
}
