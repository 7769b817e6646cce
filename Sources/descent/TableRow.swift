/// Prints one table row: the first column left-aligned, the others right-aligned.
func row(_ name: String, _ figures: String...) {
  func pad(_ s: String, _ width: Int, left: Bool) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return left ? fill + s : s + fill
  }
  print(pad(name, 30, left: false) + figures.map { pad($0, 14, left: true) }.joined())
}
