import DescentData

/// The confusion matrix as fastai's `plot_confusion_matrix` draws it: one cell per (actual,
/// predicted) pair, shaded from white to blue by its share of the row's items, with the count
/// written in it, class names along both axes.
public enum ConfusionMatrixImage {
  public static func render(_ matrix: [[Int]], classes: [String], cell: Int = 40) -> Image8 {
    let n = classes.count
    let labelWidth = (classes.map { BitmapFont.width($0) }.max() ?? 0) + 12
    let title = 24, axisLabel = 16
    let left = labelWidth + axisLabel, top = title
    let width = left + n * cell + 10, height = top + n * cell + labelWidth + axisLabel
    var image = Image8(width: width, height: height, channels: 3, pixels: Array(repeating: 255, count: width * height * 3))
    BitmapFont.draw("Confusion matrix", x: left, y: 6, scale: 2, into: &image)
    for (a, row) in matrix.enumerated() {
      let total = max(1, row.reduce(0, +))
      for (p, count) in row.enumerated() {
        let share = Double(count) / Double(total)
        let shade = (
          UInt8(255 - share * 222), UInt8(255 - share * 150), UInt8(255 - share * 75)
        )
        fill(&image, x: left + p * cell, y: top + a * cell, size: cell - 1, color: shade)
        let text = String(count)
        let ink: (UInt8, UInt8, UInt8) = share > 0.5 ? (255, 255, 255) : (0, 0, 0)
        BitmapFont.draw(text, x: left + p * cell + (cell - BitmapFont.width(text)) / 2, y: top + a * cell + (cell - 7) / 2,
                        color: ink, into: &image)
      }
      BitmapFont.draw(classes[a], x: axisLabel + labelWidth - 6 - BitmapFont.width(classes[a]),
                      y: top + a * cell + (cell - 7) / 2, into: &image)
    }
    // Predicted class names under the columns, one character per line when they are long.
    for (p, name) in classes.enumerated() {
      for (k, ch) in name.prefix(labelWidth / 9).enumerated() {
        BitmapFont.draw(String(ch), x: left + p * cell + (cell - 5) / 2, y: top + n * cell + 4 + k * 9, into: &image)
      }
    }
    BitmapFont.draw("actual", x: 2, y: top + n * cell / 2, into: &image)
    BitmapFont.draw("predicted", x: left + n * cell / 2 - BitmapFont.width("predicted") / 2, y: height - 12, into: &image)
    return image
  }

  static func fill(_ image: inout Image8, x: Int, y: Int, size: Int, color: (UInt8, UInt8, UInt8)) {
    for py in y..<min(image.height, y + size) {
      for px in x..<min(image.width, x + size) {
        let o = (py * image.width + px) * 3
        image.pixels[o] = color.0; image.pixels[o + 1] = color.1; image.pixels[o + 2] = color.2
      }
    }
  }
}
