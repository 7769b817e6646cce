import ArgumentParser
import DescentData
import DescentLearn
import DescentTensor
import Foundation

struct Interpret: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Confusion matrix and highest-loss images of a saved model on a dataset's validation set.",
    discussion: """
      fastai's ClassificationInterpretation: runs the model saved by `descent train --save` over \
      the validation images of --data (its own preprocessing, no augmentation), prints the \
      confusion matrix (rows: actual, columns: predicted), the most confused pairs and the \
      --count images with the highest loss, and writes confusion.png and top_losses.png (each \
      image captioned predicted/actual/loss/probability) into --out.

      Examples:
        descent interpret --model digits --data mnist5k
        descent interpret --model models/adam5.safetensors --data imagenette2-160 --count 16 --out interp --json interp.json
      """)

  @Option(help: "A name saved under models/ by `train --save`, or a .safetensors file.")
  var model: String

  @Option(help: "Dataset folder (ImageNet layout) or mnist5k.")
  var data = "mnist5k"

  @OptionGroup var split: ValidationSplitOption

  @Option(name: .customLong("count"), parsing: .unconditional, help: "Highest-loss images to list and draw.")
  var top = 9

  @Option(help: "Folder for confusion.png and top_losses.png.")
  var out = "."

  @OptionGroup var imageLimit: ImageLimitOptions

  @OptionGroup var json: JSONOutput

  func validate() throws {
    try ExportedModel.validate(model)
    try TrainingOptions.validateData(data)
    guard (1...100).contains(top) else { throw ValidationError("--count must be in 1…100, not \(top)") }
  }

  func run() throws {
    json.routeTablesToStandardError()
    try OutputPaths.checkFolder(out, flag: "--out")
    imageLimit.apply()
    let exported = try ExportedModel.load(model)
    let root = try TrainingOptions.folder(data)
    let loaders = try TrainingOptions.loaders(
      root, batchSize: 64, resize: exported.resize, batchTransforms: exported.batchTransforms, validPct: split.validPct)
    guard loaders.vocab.classes == exported.classes else {
      throw ValidationError("--data: its classes \(loaders.vocab.classes) are not the model's \(exported.classes)")
    }
    let interpretation = try ClassificationInterpretation(
      model: exported.model, loader: loaders.valid, classes: exported.classes)
    let classes = exported.classes
    let width = max(6, classes.map(\.count).max() ?? 0) + 2
    func cell(_ s: String) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
    say("\(interpretation.items.count) validation images, accuracy \(String(format: "%.6f", interpretation.accuracy))")
    say("\nconfusion matrix (rows: actual, columns: predicted)")
    say(cell("") + classes.map(cell).joined())
    for (a, row) in interpretation.confusionMatrix.enumerated() {
      say(cell(classes[a]) + row.map { cell(String($0)) }.joined())
    }
    say("\nmost confused (actual → predicted: count)")
    for pair in interpretation.mostConfused().prefix(10) { say("  \(pair.actual) → \(pair.predicted): \(pair.count)") }
    let worst = interpretation.topLosses(top)
    say("\ntop losses (predicted/actual/loss/probability of the actual class)")
    for item in worst {
      say("  \(classes[item.predicted])/\(classes[item.actual])/\(String(format: "%.2f", item.loss))/"
        + "\(String(format: "%.2f", item.actualProbability))  \(item.file)")
    }
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    let confusionPath = (out as NSString).appendingPathComponent("confusion.png")
    try PNGImage.write(ConfusionMatrixImage.render(interpretation.confusionMatrix, classes: classes),
                       to: URL(fileURLWithPath: confusionPath))
    // The worst images as the model saw them before normalization: Resize's centre crop.
    let images = try worst.map { try exported.resize.apply(ImageDecoder.decode(file: URL(fileURLWithPath: $0.file), channels: 3)).unsqueeze(0) }
    let captions = worst.map {
      "\(classes[$0.predicted])/\(classes[$0.actual])/\(String(format: "%.2f", $0.loss))/\(String(format: "%.2f", $0.actualProbability))"
    }
    let lossesPath = (out as NSString).appendingPathComponent("top_losses.png")
    try PNGImage.write(BatchGrid.render(Tensor.cat(images, axis: 0), captions: captions, cell: 128),
                       to: URL(fileURLWithPath: lossesPath))
    say("\nwrote \(confusionPath) and \(lossesPath)")
    try json.write([
      "images": interpretation.items.count, "accuracy": interpretation.accuracy, "classes": classes,
      "confusion_matrix": interpretation.confusionMatrix,
      "most_confused": interpretation.mostConfused().map { ["actual": $0.actual, "predicted": $0.predicted, "count": $0.count] },
      "top_losses": worst.map {
        ["file": $0.file, "actual": classes[$0.actual], "predicted": classes[$0.predicted], "loss": Double($0.loss),
         "actual_probability": Double($0.actualProbability)]
      },
    ])
  }
}
