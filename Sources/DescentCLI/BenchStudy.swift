import ArgumentParser
import DescentNN
import DescentTensor
import Foundation

/// `descent bench study`: what the main job's user waits for — one epoch (or more) of the study's
/// own setup (resnet34 at 28 px from 32, batch 128, the seed's augmentations, Adam at 3e-3 over
/// one cycle, validation included) timed end to end, beside the machine's sgemm limit measured
/// in the same run.
struct BenchStudy: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "study",
    abstract: "Time epochs of the optimizer study's own setup (data, augmentation, training, validation).",
    discussion: """
      Trains the study's model as `descent compare` does (resnet34, --size 28, --presize 32, \
      --bs 128, Adam at 3e-3, one cycle) for --epochs epochs on --data and reports seconds an \
      epoch, images a second and the GFLOP/s achieved over the whole epoch (3 × forward for a \
      training image, 1 × for a validation one) beside peak sgemm, measured in the same run.

      Examples:
        descent bench study
        descent bench study --epochs 2 --json
      """)

  @Option(help: "Dataset folder or mnist5k (the study's).")
  var data = "mnist5k"

  @Option(help: "Epochs to time (the median is reported).")
  var epochs = 1

  @Option(help: "Batch size (the study's is 128).")
  var bs = 128

  @Option(help: "Kernel and loader threads (default: all cores).")
  var threads: Int?

  @Flag(name: .customLong("mixed-precision"), help: "Mixed precision as `train --mixed-precision`: each convolution pass in bfloat16 where it times faster than float32.")
  var mixedPrecision = false

  @OptionGroup var json: JSONOutput

  func validate() throws {
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, not \(epochs)") }
    try TrainingOptions.validateThreads(threads)
  }

  func run() throws {
    json.routeTablesToStandardError()
    var arguments = ["--data", data, "--arch", "resnet34", "--size", "28", "--presize", "32", "--bs", String(bs)]
    if let threads { arguments += ["--threads", String(threads)] }
    if mixedPrecision { arguments.append("--mixed-precision") }
    let options = try TrainingOptions.parse(arguments)
    options.applyBackendOptions()
    let peak = MachineLimits.peakSgemmGFLOPs(seconds: 1)
    let loaders = try options.loaders()
    let trainImages = loaders.train.count * bs, validImages = loaders.valid.items.count
    let run = try TrainingRun.run(try OptimizerChoice.parse("adam"), options: options, data: loaders, epochs: epochs,
                                  lr: 3e-3, csv: nil)
    let seconds = run.epochs.map(\.seconds).median
    let forward = Double(FLOPCounter.forwardFLOPsPerImage(run.learner.model, height: 28, width: 28))
    let achieved = (3 * forward * Double(trainImages) + forward * Double(validImages)) / seconds / 1e9
    let imagesPerSec = Double(trainImages + validImages) / seconds
    row("figure", "value", "× sgemm")
    row("sgemm 2048³ (limit)", String(format: "%.1f GFLOP/s", peak), "")
    row("epoch (train + valid)", String(format: "%.1f s", seconds), "")
    row("images/s (train + valid)", String(format: "%.0f", imagesPerSec), "")
    row("achieved over the epoch", String(format: "%.1f GFLOP/s", achieved), String(format: "%.2f", achieved / peak))
    try json.write([
      "epoch_seconds": seconds, "epochs": run.epochs.map(\.seconds), "train_images": trainImages, "valid_images": validImages,
      "images_per_sec": imagesPerSec, "achieved_gflops": achieved, "peak_sgemm_gflops": peak,
      "achieved_fraction_of_limit": achieved / peak, "accuracy": run.epochs.last?.accuracy ?? NSNull(),
      "mixed_precision": mixedPrecision,
    ])
  }
}
