import Foundation
#if canImport(Glibc)
  import Glibc
#endif

/// A one-line progress bar for the current pass, redrawn in place on a terminal (fastai's
/// `ProgressCallback` over fastprogress's console bar): epoch, bar, batches done, elapsed and
/// remaining time, rate, and the smoothed loss. Quiet when standard output is not a terminal,
/// so logs and pipes get only the results table.
public final class ProgressCallback: Callback {
  /// Whether standard output is a terminal (the Learner adds this callback only then).
  public static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

  /// Where the bar goes; standard output by default.
  private let write: (String) -> Void
  private let width: Int
  private var start = 0.0
  private var lastDraw = 0.0
  private var longest = 0

  public init(width: Int = 100, write: @escaping (String) -> Void = { text in
    FileHandle.standardOutput.write(Data(text.utf8))
  }) {
    self.width = width
    self.write = write
  }

  public override var order: Int { 60 }

  public override func beforeTrain(_ learn: Learner) throws { launch(learn) }
  public override func beforeValidate(_ learn: Learner) throws { launch(learn) }
  public override func afterTrain(_ learn: Learner) throws { clear() }
  public override func afterValidate(_ learn: Learner) throws { clear() }
  public override func afterFit(_ learn: Learner) throws { clear() }

  public override func afterBatch(_ learn: Learner) throws {
    let now = Date().timeIntervalSinceReferenceDate
    let done = learn.iteration + 1
    // Redraw at most ten times a second, and always on the last batch.
    guard now - lastDraw >= 0.1 || done == learn.batchCount else { return }
    lastDraw = now
    draw(learn, done: done, now: now)
  }

  private func launch(_ learn: Learner) {
    start = Date().timeIntervalSinceReferenceDate
    lastDraw = start
    draw(learn, done: 0, now: start)
  }

  /// The bar's text for `done` of `total` batches after `elapsed` seconds (`total` > 0).
  public static func line(epoch: Int, epochs: Int, done: Int, total: Int, elapsed: Double, loss: Double?, barWidth: Int) -> String {
    let fraction = total > 0 ? Double(min(done, total)) / Double(total) : 0
    let filled = Int(Double(barWidth) * fraction)
    let bar = String(repeating: "█", count: filled) + String(repeating: "-", count: barWidth - filled)
    let rate = elapsed > 0 ? Double(done) / elapsed : 0
    let remaining = done > 0 ? formatTime(elapsed / Double(done) * Double(total - done)) : "?"
    var text = "Epoch \(epoch + 1)/\(epochs) : |\(bar)| \(formatFixed(100 * fraction, decimals: 2))% "
      + "[\(done)/\(total) \(formatTime(elapsed))<\(remaining)"
    if done > 0 { text += ", \(formatFixed(rate, decimals: 2)) it/s" }
    if let loss, done > 0 { text += "... \(formatFixed(loss, decimals: 4))" }
    return text + "]"
  }

  private func draw(_ learn: Learner, done: Int, now: Double) {
    // Before the pass knows its batches there is nothing to show (no "100% [0/0]" frame).
    guard learn.batchCount > 0 else { return }
    let text = Self.line(epoch: learn.epoch, epochs: learn.epochCount, done: done, total: learn.batchCount,
                         elapsed: now - start, loss: learn.training ? learn.smoothLoss : nil, barWidth: max(10, width - 60))
    longest = max(longest, text.count)
    write("\r" + text)
  }

  private func clear() {
    guard longest > 0 else { return }
    write("\r" + String(repeating: " ", count: longest) + "\r")
    longest = 0
  }
}
