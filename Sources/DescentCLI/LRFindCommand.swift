import ArgumentParser
import DescentLearn
import DescentTensor
import Foundation

struct LRFindCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lr-find",
    abstract: "Sweep the learning rate exponentially (fastai's lr_find) and print its suggestions.",
    discussion: """
      Trains the fresh model for up to --iterations batches while the learning rate grows \
      from 1e-7 to 10, stopping when the smoothed loss passes 4× its best, then restores the \
      model. Prints fastai's four suggestions (valley, slide, minimum, steep) and writes the \
      curve, the suggestions marked, to --plot.

      Examples:
        descent lr-find --data mnist5k --size 28 --presize 32 --opt sgd
        descent lr-find --data imagenette2-160 --opt adam --plot lr_find.png --csv lr_find.csv
      """)

  @OptionGroup var options: TrainingOptions

  @Option(help: "Optimizer: \(OptimizerChoice.argumentNames) (default: adam).", transform: OptimizerChoice.parse)
  var opt: OptimizerChoice = .adam

  @Option(parsing: .unconditional, help: "Batches in the sweep.")
  var iterations = 100

  @Option(help: "PNG or SVG file for the curve (by its extension).")
  var plot = "lr_find.png"

  @Option(help: "CSV file for the curve: each batch's learning rate and smoothed loss.")
  var csv: String?

  @OptionGroup var json: JSONOutput

  func validate() throws {
    try options.validateOneSeed(command: "lr-find")
    guard iterations >= 10 else { throw ValidationError("--iterations must be at least 10, not \(iterations)") }
    guard PlotOutput.isPlotFile(plot) else { throw ValidationError("--plot must name a .png or .svg file, not '\(plot)'") }
  }

  func run() throws {
    json.routeTablesToStandardError()
    try OutputPaths.checkFile(plot, flag: "--plot")
    if let csv { try OutputPaths.checkFile(csv, flag: "--csv") }
    try options.checkTensorBoardFolder()
    options.applyBackendOptions()
    let data = try options.loaders()
    // Under mpirun, rank 0 alone runs the finder, as one process would.
    guard ProcessGroup.isMain else { return }
    let precision = try ConvolutionProbe.note(options, channels: data.train.channels, classes: data.vocab.count)
    if !precision.isEmpty { say("mixed precision\(precision)") }
    Random.seed(options.seed)
    let learn = try visionLearner(
      data: data, arch: options.arch, weights: options.weights, ps: options.ps,
      optimizerFactory: opt.factory(wd: options.wd),
      callbacks: options.mixedPrecision ? [MixedPrecision()] : [], progress: ProcessGroup.showsProgress)
    let result = try learn.lrFind(numIt: iterations, methods: SuggestionMethod.allCases)
    for method in SuggestionMethod.allCases {
      let name = method.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
      if let suggestion = result[method] {
        say("\(name) \(String(format: "%.2e", suggestion.lr))")
      } else {
        say("\(name) none: its rule needs a longer curve than these \(result.lrs.count) batches (raise --iterations)")
      }
    }
    try TrainingOptions.createParentFolder(of: plot)
    try PlotOutput.write(Figure([Plot.lrFind(result)]), to: plot)
    say("wrote \(plot)")
    if let csv {
      let rows = zip(result.lrs, result.losses).map { "\($0),\($1)" }
      try TrainingOptions.writeOutput(Data((["lr,smooth_loss"] + rows + [""]).joined(separator: "\n").utf8), to: csv)
    }
    if let root = options.tensorboard {
      let folder = TensorBoardRuns.folder(root, TensorBoardRuns.lrFindName(opt, seed: options.seed))
      try result.writeTensorBoard(runDirectory: folder)
      say("wrote \(folder) (tensorboard --logdir \(root))")
    }
    try json.write([
      "optimizer": opt.name, "seed": Int(options.seed),
      "suggestions": Dictionary(uniqueKeysWithValues: SuggestionMethod.allCases.map { ($0.rawValue, result[$0].map { $0.lr as Any } ?? NSNull()) }),
      "curve": zip(result.lrs, result.losses).map { ["lr": $0, "smooth_loss": $1] },
    ])
  }
}
