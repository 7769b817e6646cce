import ArgumentParser
import DescentData
import DescentLearn
import DescentNN
import DescentTensor
import Foundation
import Synchronization

/// The options `train`, `lr-find` and `compare` share: the data, the model, the pipeline.
struct TrainingOptions: ParsableArguments {
  @Option(help: "Dataset folder in the ImageNet layout (train/<class>/…, val/<class>/… or valid/; a folder of class subfolders alone with --valid-pct), or mnist5k (fetched once).")
  var data = "mnist5k"

  @OptionGroup var split: ValidationSplitOption

  @Option(help: "Architecture: \(Architecture.argumentNames) (default: resnet34).", transform: Architecture.parse)
  var arch: Architecture = .resnet34

  @Option(parsing: .unconditional, help: "Batch size.")
  var bs = 128

  @Option(parsing: .unconditional, help: "Size images are resized to as they are loaded (fastai's item transform Resize).")
  var presize = 160

  @Option(parsing: .unconditional, help: "Size of the augmented crops the model sees (aug_transforms' size).")
  var size = 128

  @Option(name: .customLong("min-scale"), parsing: .unconditional, help: "Smallest area fraction of the random resized crop.")
  var minScale: Float = 0.5

  @Option(parsing: .unconditional, help: "Weight decay (default: each optimizer's fastai default).")
  var wd: Double?

  @Option(name: .customLong("seed"), parsing: .unconditional, help: ArgumentHelp(
    "Random seed for the weights, the shuffle and the augmentation; compare takes several, comma-separated (42,1,2), and runs every optimizer at each.",
    valueName: "seed"))
  var seedList = SeedList("42")

  /// The run's seed: --seed's first (train and lr-find take one; compare sets each in turn).
  var seed: UInt64 {
    get { (try? seedList.seeds())?.first ?? 42 }
    set { seedList = SeedList(String(newValue)) }
  }

  @Option(parsing: .unconditional, help: "Worker threads for the kernels and the data loader (default: all cores).")
  var threads: Int?

  @Option(
    help: "Convolution algorithm: auto (the fastest for each layer, timed once per machine and kept in conv-algorithms.tsv beside the datasets, $DESCENT_HOME or ~/.descent/data, so a rerun with the same seed and --threads is identical), or one of \(ConvolutionAlgorithm.argumentNames.replacingOccurrences(of: "auto, ", with: "")) everywhere (default: auto).",
    transform: ConvolutionAlgorithm.parse)
  var conv: ConvolutionAlgorithm = .auto

  @Option(name: .customLong("bad-files"), help: "What an unreadable image (or one over --max-pixels) does: fail (stop, naming the file) or skip (leave it out, count and report it).")
  var badFiles = "fail"

  @Flag(name: .customLong("mixed-precision"), help: "fastai's MixedPrecision: each convolution pass runs in bfloat16 where bfloat16 times faster than float32 on this machine (chosen once, kept in conv-algorithms.tsv; the first line says how many passes took it); weights and optimizer stay float32.")
  var mixedPrecision = false

  @Option(help: "Safetensors file with torchvision-named weights for the body (pretrained); the body then starts frozen.")
  var weights: String?

  @Option(parsing: .unconditional, help: "Dropout of fastai's head: ps/2 before its first linear layer, ps before its last (vision_learner's ps).")
  var ps: Float = 0.5

  @Flag(name: .customLong("sync-bn"), help: "Under mpirun: batch norm statistics over the global batch (PyTorch's SyncBatchNorm) instead of each process's own.")
  var syncBN = false

  @Option(help: ArgumentHelp(
    "Folder for TensorBoard event files, one run folder per run (OPTIMIZER-seedSEED; lr_find-OPTIMIZER-seedSEED for the finder's curve): losses, lr and mom per batch, valid_loss, metrics and images/s per epoch, and each run's hyper-parameters for the HParams tab. View with tensorboard --logdir DIR.",
    valueName: "dir"))
  var tensorboard: String?

  @OptionGroup var imageLimit: ImageLimitOptions

  @OptionGroup var checkpointing: CheckpointOptions

  /// Every setting that changes a run's numbers, by flag: a checkpoint records them, and a
  /// resume with others is refused.
  func settings(_ choice: OptimizerChoice, epochs: Int, lr: Double?) -> [String: String] {
    let dataPath = data == "mnist5k" ? data : URL(fileURLWithPath: data).standardizedFileURL.path
    return [
      "--data": dataPath, "--arch": arch.rawValue, "--bs": String(bs), "--presize": String(presize), "--size": String(size),
      "--min-scale": String(minScale), "--wd": wd.map { String($0) } ?? "default", "--seed": String(seed),
      "--threads": String(Parallel.threads), "--conv": "\(conv)", "--mixed-precision": String(mixedPrecision),
      "--weights": weights ?? "none", "--ps": String(ps), "--sync-bn": String(syncBN),
      "--valid-pct": split.validPct.map { String($0) } ?? "none", "--bad-files": badFiles, "--epochs": String(epochs),
      "--opt": choice.name, "--lr": lr.map { String($0) } ?? "valley",
    ]
  }

  /// The image sizes training (and so a saved model) may use.
  static var presizeRange: ClosedRange<Int> { SavedModelMetadata.sizeRange }

  /// More threads than this only add scheduling and per-thread scratch memory.
  static var maxThreads: Int { 4 * ProcessInfo.processInfo.activeProcessorCount }

  func validate() throws {
    try Self.validateData(data)
    guard BadFilePolicy(rawValue: badFiles) != nil else {
      throw ValidationError("--bad-files must be fail or skip, not '\(badFiles)'")
    }
    guard bs >= 2 else { throw ValidationError("--bs must be at least 2 (batch norm needs two images), not \(bs)") }
    guard Self.presizeRange.contains(presize) else {
      throw ValidationError("--presize must be in \(Self.presizeRange.lowerBound)…\(Self.presizeRange.upperBound), not \(presize)")
    }
    guard (Self.presizeRange.lowerBound...presize).contains(size) else {
      throw ValidationError("--size must be in \(Self.presizeRange.lowerBound)…presize (\(presize)), not \(size)")
    }
    guard ps >= 0 && ps < 1 else { throw ValidationError("--ps must be in [0, 1), not \(ps)") }
    guard minScale > 0 && minScale <= 1 else { throw ValidationError("--min-scale must be in (0, 1], not \(minScale)") }
    if let wd, !(wd >= 0) { throw ValidationError("--wd must be ≥ 0, not \(wd)") }
    try Self.validateThreads(threads)
    _ = try seedList.seeds()
    if let weights, !FileManager.default.fileExists(atPath: weights) {
      throw ValidationError("--weights: no such file: \(weights)")
    }
  }

  /// For a command that trains one run: `--seed` is one seed.
  func validateOneSeed(command: String) throws {
    let seeds = try seedList.seeds()
    guard seeds.count == 1 else {
      throw ValidationError("--seed: \(command) runs one seed, not \(seeds.count) (compare runs several: descent compare --seed \(seedList.text))")
    }
  }

  /// `--tensorboard`'s folder can be written (checked before any work, as every output is).
  func checkTensorBoardFolder() throws {
    if let tensorboard { try OutputPaths.checkFolder(tensorboard, flag: "--tensorboard") }
  }

  /// `--threads`, when given, is 1…maxThreads.
  static func validateThreads(_ threads: Int?) throws {
    if let threads, !(1...maxThreads).contains(threads) {
      throw ValidationError(
        "--threads must be in 1…\(maxThreads) (4 × this machine's \(ProcessInfo.processInfo.activeProcessorCount) cores), not \(threads)")
    }
  }

  /// Applies --threads (to the Swift kernels and oneDNN's OpenMP), --conv and --max-pixels.
  func applyBackendOptions() {
    imageLimit.apply()
    if let threads = threads ?? ProcessGroup.defaultThreads { Threads.set(threads) }
    ConvolutionKernels.algorithm = conv
    if conv == .auto { Self.keepConvolutionChoices() }
  }

  private static let choiceWarningShown = Atomic(false)

  /// `--conv auto` times each convolution once per machine: the choices live beside the
  /// datasets, so that the same seed gives the same run again (timing alone could pick another
  /// algorithm, which rounds differently). A bad or unwritable file costs only the timing.
  /// Under mpirun rank 0 alone writes it: the other processes take its choices
  /// (`ConvolutionProbe`), and their own timings, written beside rank 0's, would mix the two.
  static func keepConvolutionChoices() {
    let path = descentDataHome().appendingPathComponent("conv-algorithms.tsv").path
    do {
      try createParentFolder(of: path)
      guard ProcessGroup.isMain else { return try ConvolutionKernels.readChoices(from: path) }
      try ConvolutionKernels.keepChoices(in: path) { error in
        guard !choiceWarningShown.exchange(true, ordering: .relaxed) else { return }
        sayOnStandardError("warning: convolution choices not saved (\(error)); reruns may pick other algorithms")
      }
    } catch {
      sayOnStandardError("warning: \(error); ignoring that file (delete it to start again): convolutions are timed afresh")
    }
  }

  /// Creates the folder an output file goes into (`runs/compare.png`), when it has one.
  static func createParentFolder(of path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
  }

  /// Writes an output file (`--json`, `--csv`) atomically, creating its folder, and says so.
  static func writeOutput(_ bytes: Data, to path: String) throws {
    try createParentFolder(of: path)
    try AtomicFile.write(Array(bytes), to: path)
    say("wrote \(path)")
  }

  /// `--data` is mnist5k or an existing folder.
  static func validateData(_ data: String) throws {
    guard data != "mnist5k" else { return }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ValidationError("--data: no such folder: \(data)")
    }
  }

  /// The dataset folder `--data` names: mnist5k is fetched on first use.
  static func folder(_ data: String) throws -> URL {
    guard data == "mnist5k" else { return URL(fileURLWithPath: data) }
    return try ProcessGroup.hostFirst { try MNIST5k.prepare(log: sayOnStandardError) }
  }

  /// `DataLoaders.fromFolder`, where a folder that cannot be a dataset is a usage error (exit
  /// 2) reported in one line.
  static func loaders(
    _ root: URL, batchSize: Int, resize: Resize, batchTransforms: AugTransforms, seed: UInt64 = 42,
    workers: Int? = nil, badFiles: BadFilePolicy = .fail, validPct: Double? = nil
  ) throws -> DataLoaders {
    do {
      return try DataLoaders.fromFolder(
        root, batchSize: batchSize, resize: resize, batchTransforms: batchTransforms, seed: seed, workers: workers,
        badFiles: badFiles, validPct: validPct)
    } catch let error as DataError {
      throw ValidationError("--data: \(error)")
    }
  }

  /// The loaders of the seed's pipeline: Resize(presize) per item, then aug_transforms with
  /// `size` and `minScale` and Normalize with ImageNet statistics per batch.
  func loaders() throws -> DataLoaders {
    let root = try Self.folder(data)
    let loaders = try Self.loaders(
      root, batchSize: bs, resize: Resize(presize),
      batchTransforms: AugTransforms(size: size, minScale: minScale, normalize: .imagenet), seed: seed,
      workers: threads ?? ProcessGroup.defaultThreads, badFiles: BadFilePolicy(rawValue: badFiles)!, validPct: split.validPct)
    guard loaders.train.count > 0 else {
      throw ValidationError(
        "--bs \(bs) is more than the \(loaders.train.items.count) training images of \(root.path): no full batch to train on (the last partial batch is dropped, as in fastai)")
    }
    guard loaders.vocab.count >= 2 else {
      throw ValidationError("--data: \(root.path) has a single class (\(loaders.vocab.classes.first ?? "")); a classifier needs two or more")
    }
    try ProcessGroup.checkSameDataset(loaders.train.items.files + loaders.valid.items.files, root: root)
    return loaders
  }
}
