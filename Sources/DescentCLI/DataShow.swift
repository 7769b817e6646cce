import ArgumentParser
import DescentData
import DescentTensor
import Foundation

struct DataShow: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Draw one batch of a folder's training images, with labels, into a PNG file.",
    discussion: """
      Reads DIR in the ImageNet layout (DIR/train/<label>/*.jpg, DIR/valid or DIR/val/…), or \
      mnist5k, \
      decodes one shuffled batch resized to --size (crop), and with --augment applies fastai's \
      aug_transforms exactly as training does; the grid is written to FILE.png.

      Examples:
        descent data show --data mnist5k --size 28 --out digits.png
        descent data show --data imagenette2-160 --augment --size 128 --count 25 --out batch.png
      """)

  @Option(help: "Dataset folder (ImageNet layout) or mnist5k (fetched on first use, as train does).")
  var data: String

  @Option(help: "PNG file to write.")
  var out: String

  @Flag(help: "Augment as training does (flip, rotate, zoom, warp, lighting, random crop).")
  var augment = false

  @Option(help: "Image size in pixels (Resize crop, then the augmented crop).")
  var size = 128

  @Option(help: "Number of images in the grid.")
  var count = 16

  @Option(help: "Random seed for the batch and its augmentation.")
  var seed: UInt64 = 42

  func validate() throws {
    try TrainingOptions.validateData(data)
    guard out.lowercased().hasSuffix(".png") else { throw ValidationError("--out must name a .png file, not '\(out)'") }
    guard (8...1024).contains(size) else { throw ValidationError("--size must be in 8…1024, not \(size)") }
    guard (1...256).contains(count) else { throw ValidationError("--count must be in 1…256, not \(count)") }
  }

  func run() throws {
    let folder = try ImageFolder(TrainingOptions.folder(data))
    let transforms = augment ? AugTransforms(size: size, minScale: 0.35) : nil
    let loader = DataLoader(folder.train, batchSize: min(count, folder.train.count), shuffle: true,
                            training: augment, resize: Resize(size), augment: transforms, seed: seed)
    let batch = try loader.oneBatch()
    let grid = BatchGrid.render(batch.x, captions: batch.y.map { folder.vocab[$0] })
    try PNGImage.write(grid, to: URL(fileURLWithPath: out))
    print("wrote \(out): \(batch.count) images of \(folder.vocab.count) classes\(augment ? ", augmented" : "")")
  }
}
