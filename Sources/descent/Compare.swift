import ArgumentParser
import DescentLearn
import Foundation

struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train the same model with several optimizers and compare their tables.",
    discussion: """
      Runs fit_one_cycle once per optimizer, each from the same seed — the same initial \
      weights and the same batches — and prints each run's table under a heading, then a \
      summary (optimizer, lr used, final train_loss, valid_loss, accuracy, total time), and \
      writes one plot of every run's validation loss and accuracy per epoch. Learning rates \
      are the seed's: SGD at lr_find's valley, the custom-stepper SGD at 1.5e-2, the seed's \
      damped momentum at 3e-2 (mom 0.9, driven 0.95 → 0.85 → 0.95 by the one-cycle \
      schedule), RMSProp (square_mom 0.99, eps 1e-8) and Adam at 3e-3.

      Examples:
        descent compare --data mnist5k --size 28 --presize 32 --epochs 3
        descent compare --data imagenette2-160 --opts adam,rmsprop --epochs 5 --json runs.json
      """)

  @OptionGroup var options: TrainingOptions

  @Option(help: "Comma-separated optimizers (\(OptimizerChoice.argumentNames)).")
  var opts = "sgd,sgd-custom,momentum,rmsprop,adam"

  @Option(parsing: .unconditional, help: "Epochs of one cycle per optimizer.")
  var epochs = 3

  @Option(help: "PNG file for the comparison plot.")
  var plot = "compare.png"

  @Option(help: "Write every run's epochs as JSON to this file.")
  var json: String?

  func choices() throws -> [OptimizerChoice] { try opts.split(separator: ",").map { try OptimizerChoice.parse(String($0)) } }

  func validate() throws {
    let names = opts.split(separator: ",").map(String.init)
    guard !names.isEmpty else { throw ValidationError("--opts is empty") }
    for name in names where (try? OptimizerChoice.parse(name)) == nil {
      throw ValidationError("--opts: '\(name)' must be one of \(OptimizerChoice.argumentNames)")
    }
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, not \(epochs)") }
    guard plot.lowercased().hasSuffix(".png") else { throw ValidationError("--plot must name a .png file, not '\(plot)'") }
  }

  func run() throws {
    try OutputPaths.checkFile(plot, flag: "--plot")
    if let json { try OutputPaths.checkFile(json, flag: "--json") }
    options.applyBackendOptions()
    let data = try options.loaders()
    say("\(options.arch) · \(data.vocab.count) classes · \(data.train.items.count) training images · \(epochs) epochs each\(ProcessGroup.globalBatchNote(perProcess: options.bs))")
    var runs: [TrainingRun] = []
    for choice in try choices() {
      say("\n## \(choice.title)\(choice.defaultLR.map { String(format: ", lr %.1e", $0) } ?? ", lr from lr_find's valley")")
      runs.append(
        try TrainingRun.run(choice, options: options, data: data, epochs: epochs, lr: choice.defaultLR, csv: nil))
    }
    guard ProcessGroup.isMain else { return }
    say("\n## Summary")
    let width = runs.map(\.optimizer.count).reduce("optimizer".count, max) + 2
    row("optimizer", "lr", "train_loss", "valid_loss", "accuracy", "time", nameWidth: width)
    for run in runs {
      let last = run.epochs.last
      row(run.optimizer, String(format: "%.1e", run.lr), Self.format(last?.train_loss), Self.format(last?.valid_loss),
          Self.format(last?.accuracy), String(format: "%.0f s", run.totalSeconds), nameWidth: width)
    }
    try TrainingOptions.createParentFolder(of: plot)
    try PlotOutput.writePNG(Self.figure(runs), to: plot, width: 960, height: 420)
    say("wrote \(plot)")
    if let json {
      let object: [String: Any] = [
        "runs": runs.map { run -> [String: Any] in
          [
            "optimizer": run.optimizer, "lr": run.lr, "lr_find_seconds": run.lrFindSeconds,
            "epochs": run.epochs.map { e -> [String: Any] in
              ["epoch": e.epoch, "train_loss": e.train_loss ?? NSNull(), "valid_loss": e.valid_loss ?? NSNull(),
               "accuracy": e.accuracy ?? NSNull(), "seconds": e.seconds]
            },
          ]
        }
      ]
      let bytes = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
      try TrainingOptions.writeOutput(bytes, to: json)
    }
  }

  static func format(_ value: Double?) -> String { value.map { String(format: "%.6f", $0) } ?? "None" }

  /// Validation loss and accuracy per epoch, one line per optimizer, side by side.
  static func figure(_ runs: [TrainingRun]) -> Figure {
    func panel(_ title: String, logY: Bool, _ value: (TrainingRun.EpochResult) -> Double?) -> Plot {
      Plot(title: title, xLabel: "epoch", yLabel: title, logY: logY, series: runs.map { run in
        let points = run.epochs.compactMap { e in value(e).map { (Double(e.epoch), $0) } }
        return Plot.Series(run.optimizer, xs: points.map(\.0), ys: points.map(\.1), style: .line)
      })
    }
    // Log scale for the loss: a first-epoch spike would flatten every later epoch.
    return Figure([panel("valid_loss (log scale)", logY: true, \.valid_loss), panel("accuracy", logY: false, \.accuracy)])
  }
}
