import ArgumentParser
import DescentData
import DescentTensor
import Foundation

struct Predict: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Classify images with a model saved by `descent train --save`.",
    discussion: """
      Loads the model and, from its file, the class names and the preprocessing it was trained \
      with (Resize to the presize, centre crop to the size, ImageNet normalization, as fastai \
      does for validation), and prints the top classes with their probabilities for each image.

      Examples:
        descent train --data mnist5k --size 28 --presize 32 --save digits
        descent predict --model digits "${DESCENT_HOME:-$HOME/.descent/data}"/mnist5k/val/7/*.png --top 2
        descent predict --model digits photo.jpg --json
      """)

  @Option(help: "A name saved under models/ by `train --save`, or a .safetensors file.")
  var model: String

  @Option(parsing: .unconditional, help: "Classes to print per image.")
  var top = 3

  @Argument(help: "Image files (JPEG or PNG).")
  var images: [String]

  @OptionGroup var imageLimit: ImageLimitOptions

  @OptionGroup var json: JSONOutput

  func validate() throws {
    try ExportedModel.validate(model)
    guard top >= 1 else { throw ValidationError("--top must be at least 1, not \(top)") }
    guard !images.isEmpty else { throw ValidationError("give at least one image file") }
  }

  func run() throws {
    json.routeTablesToStandardError()
    imageLimit.apply()
    let exported = try ExportedModel.load(model)
    exported.model.eval()
    var generator = RandomGenerator(seed: 0)  // validation transforms draw nothing
    var results: [[String: Any]] = []
    for file in images {
      let image = try ImageDecoder.decode(file: URL(fileURLWithPath: file), channels: 3)
      let x = exported.resize.apply(image).unsqueeze(0)
      let probabilities = noGrad { exported.model(exported.batchTransforms.apply(x, training: false, using: &generator)).softmax(axis: 1) }
      let ranked = probabilities.scalars.enumerated().sorted { $0.element > $1.element }.prefix(top)
      say("\(file): " + ranked.map { "\(exported.classes[$0.offset]) \(String(format: "%.3f", $0.element))" }.joined(separator: ", "))
      results.append(["file": file, "top": ranked.map { ["class": exported.classes[$0.offset], "probability": Double($0.element)] }])
    }
    try json.write(["model": model, "images": results])
  }
}
