import ArgumentParser
import DescentData
import DescentTensor
import Foundation

struct DataBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Images per second decoded and augmented: 160 px JPEGs into 128 px batches.",
    discussion: """
      Generates --images JPEG files of 160×160 (once, in a temporary folder unless --folder \
      is given), then times a training DataLoader over them: decode, Resize(160), fastai's \
      aug_transforms(size=128, min_scale=0.35) and ImageNet Normalize, in worker threads. \
      Also reports the single-thread rates of decoding+resize and of augmentation alone, \
      beside this machine's copy bandwidth measured in the same run.

      Examples:
        descent data bench
        descent data bench --images 2048 --threads 4 --json
      """)

  @Option(help: "Number of generated JPEG files.")
  var images = 1024

  @Option(name: .customLong("bs"), help: "Batch size.")
  var batchSize = 64

  @Option(name: .customLong("threads"), help: "Worker threads (default: all cores).")
  var workers: Int?

  @Option(help: "Folder for the generated JPEGs (kept for later runs).")
  var folder: String?

  @OptionGroup var json: JSONOutput

  func validate() throws {
    guard images >= batchSize + 4 else { throw ValidationError("--images must be at least --bs + 4 (\(batchSize + 4)), not \(images)") }
    guard batchSize >= 1 else { throw ValidationError("--bs must be at least 1, not \(batchSize)") }
    if let workers, workers < 1 { throw ValidationError("--threads must be at least 1, not \(workers)") }
  }

  func run() throws {
    let temporary = folder == nil
    let root = folder.map { URL(fileURLWithPath: $0) }
      ?? FileManager.default.temporaryDirectory.appendingPathComponent("descent-data-bench-\(ProcessInfo.processInfo.processIdentifier)")
    defer { if temporary { try? FileManager.default.removeItem(at: root) } }
    try DataBenchmark.makeJPEGFolder(at: root, count: images)
    let copy = MachineLimits.copyGBps(megabytes: 256, seconds: 0.5)
    let r = try DataBenchmark.run(folder: root, batchSize: batchSize, workers: workers)
    let threads = workers ?? ProcessInfo.processInfo.activeProcessorCount
    // Bytes of finished batches (3×128×128 floats an image) against copy bandwidth.
    let batchGBps = r.imagesPerSecond * 3 * 128 * 128 * 4 / 1e9
    if json.isRequested {
      let object: [String: Any] = [
        "images_per_s": r.imagesPerSecond, "decode_resize_images_per_s_1thread": r.decodeOnlyPerSecond,
        "augment_images_per_s_1thread": r.augmentOnlyPerSecond, "workers": threads,
        "batch_output_gbps": batchGBps, "copy_gbps": copy,
      ]
      try json.write(object)
    }
    if !json.toStandardOutput {
      print("\(r.images) images, 160 px JPEG → 128 px augmented batches of \(batchSize), \(threads) workers")
      row("stage", "images/s")
      row("loader (decode+resize+augment)", String(format: "%.0f", r.imagesPerSecond))
      row("decode+resize, 1 thread", String(format: "%.0f", r.decodeOnlyPerSecond))
      row("augment+normalize, 1 thread", String(format: "%.0f", r.augmentOnlyPerSecond))
      row("batch output GB/s", String(format: "%.3f", batchGBps))
      row("copy GB/s (limit)", String(format: "%.1f", copy))
    }
  }
}
