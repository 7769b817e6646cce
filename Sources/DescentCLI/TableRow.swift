import Foundation

/// Prints one table row: the first column left-aligned (`nameWidth` wide), the others
/// right-aligned.
func row(_ name: String, _ figures: String..., nameWidth: Int = 30) {
  row(name, figures: figures, nameWidth: nameWidth)
}

func row(_ name: String, figures: [String], nameWidth: Int = 30) {
  func pad(_ s: String, _ width: Int, left: Bool) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return left ? fill + s : s + fill
  }
  say(pad(name, nameWidth, left: false) + figures.map { pad($0, 14, left: true) }.joined())
}

/// Writes a line to standard output unbuffered, as the Learner writes its table rows, so that
/// headings and rows keep their order when the output is piped.
/// Under mpirun, rank 0 alone prints.
func say(_ line: String) {
  guard ProcessGroup.isMain else { return }
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Writes a line to standard error (progress notes and warnings, kept out of piped tables).
func sayOnStandardError(_ line: String) {
  guard ProcessGroup.isMain else { return }
  FileHandle.standardError.write(Data((line + "\n").utf8))
}
