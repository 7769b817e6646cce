import ArgumentParser
import DescentLearn
import DescentNN
import Foundation

struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train a model with fit_one_cycle and print fastai's table per epoch.",
    discussion: """
      Builds fastai's vision_learner model (a ResNet body and fastai's head) for the classes of \
      --data and trains it with one cycle (sf-adamw and sf-sgd: at a constant lr after a warm-up \
      over 5% of the steps, validating at the schedule-free average). The pipeline is the seed's: Resize(--presize) per \
      image, aug_transforms(--size, --min-scale) and Normalize(imagenet_stats) per batch.

      Examples:
        descent train                                   # resnet34, Adam 3e-3, mnist5k
        descent train --data imagenette2-160 --opt rmsprop --lr 3e-3 --epochs 5
        descent train --data mnist5k --size 28 --presize 32 --opt sgd --lr valley --plot sgd.png
      """)

  @OptionGroup var options: TrainingOptions

  @Option(help: "Optimizer, with its default lr: \(OptimizerChoice.namesWithLR) (default: adam).", transform: OptimizerChoice.parse)
  var opt: OptimizerChoice = .adam

  @Option(parsing: .unconditional, help: "Peak learning rate, or 'valley' to take lr_find's suggestion (default: the study's lr for --opt).")
  var lr: String?

  @Option(parsing: .unconditional, help: "Epochs of one cycle (of constant lr for sf-adamw and sf-sgd).")
  var epochs = 3

  @Option(help: "PNG or SVG file for the run's plot (by its extension): the losses, the lr and mom schedule, and lr_find's curve when it ran.")
  var plot: String?

  @Option(help: "CSV file for the table's rows.")
  var csv: String?

  @Option(help: "Save the trained model, its classes and preprocessing as models/NAME.safetensors, or to a path (.safetensors added when missing; for `descent predict`).")
  var save: String?

  @OptionGroup var json: JSONOutput

  func validate() throws {
    try options.validateOneSeed(command: "train")
    _ = try parsedLR()
    if let plot, !PlotOutput.isPlotFile(plot) { throw ValidationError("--plot must name a .png or .svg file, not '\(plot)'") }
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, not \(epochs)") }
  }

  /// nil: the finder's valley.
  func parsedLR() throws -> Double? {
    guard let lr else { return opt.defaultLR }
    if lr == "valley" { return nil }
    guard let value = Double(lr), value > 0, value.isFinite else {
      throw ValidationError("--lr must be a positive number or 'valley', not '\(lr)'")
    }
    return value
  }

  func run() throws {
    json.routeTablesToStandardError()
    if let save { try OutputPaths.checkFile(ExportedModel.path(for: save), flag: "--save") }
    if let plot { try OutputPaths.checkFile(plot, flag: "--plot") }
    if let csv { try OutputPaths.checkFile(csv, flag: "--csv") }
    try options.checkTensorBoardFolder()
    options.applyBackendOptions()
    let data = try options.loaders()
    let precision = try ConvolutionProbe.prepareRun(options, channels: data.train.channels, classes: data.vocab.count)
    say("\(opt.title) · \(options.arch) · \(data.vocab.count) classes · \(data.train.items.count) training images\(ProcessGroup.globalBatchNote(perProcess: options.bs))\(precision)")
    let result = try TrainingRun.run(opt, options: options, data: data, epochs: epochs, lr: try parsedLR(), csv: csv)
    guard ProcessGroup.isMain else { return }
    // The model first: it is what the run was for.
    if let save {
      let path = ExportedModel.path(for: save)
      try ExportedModel(
        arch: options.arch, classes: data.vocab.classes, presize: options.presize, size: options.size,
        model: result.learner.model as! Sequential
      ).save(to: path)
      say("saved \(path)")
    }
    if let plot {
      try result.writePlot(to: plot)
      say("wrote \(plot)")
    }
    if let root = options.tensorboard { say("wrote the TensorBoard run into \(root) (tensorboard --logdir \(root))") }
    var object = result.json
    object["arch"] = options.arch.rawValue
    if let save { object["saved"] = ExportedModel.path(for: save) }
    try json.write(object)
  }
}
