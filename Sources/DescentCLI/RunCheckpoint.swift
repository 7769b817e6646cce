import ArgumentParser
import DescentLearn
import DescentTensor
import Foundation

/// One run's checkpoint under `--checkpoint DIR`: `DIR/OPTIMIZER-seedSEED.safetensors`, the
/// Learner's checkpoint (model, optimizer, random and Recorder state) with what the command
/// needs to carry on: the settings the run trains with (a resume with others is refused, naming
/// the first that differs), its per-epoch results and lr, and its TensorBoard folder.
struct RunCheckpoint {
  static let settingsKey = "cli.settings", runKey = "cli.run", tensorBoardKey = "cli.tensorboard", lrKey = "cli.lr_bits"
  static let convolutionsKey = "cli.convolution_algorithms"

  let folder: String
  let name: String
  /// Every setting that changes the run's numbers, by flag.
  let settings: [String: String]

  var path: String { (folder as NSString).appendingPathComponent(name + ".safetensors") }

  /// What a resumed run starts from.
  struct Resumed {
    let epochsDone: Int
    /// Training batches of the next epoch done (a run stopped mid-epoch by a signal).
    let batchesDone: Int
    let run: TrainingRun
    let tensorBoardFolder: String?
  }

  /// Writes the checkpoint after an epoch, or after a batch when a signal stops the run (on the
  /// main process; atomically).
  func save(_ learn: Learner, run: TrainingRun, epochsDone: Int, batchesDone: Int = 0, tensorBoardFolder: String?) throws {
    // The lr as its bits: the resumed run trains at exactly it (lr_find's valley included).
    var extra = [Self.settingsKey: Self.encode(settings), Self.runKey: Self.encode(run.json),
                 Self.lrKey: String(run.lr.bitPattern, radix: 16), Self.convolutionsKey: ConvolutionKernels.choicesText]
    if let tensorBoardFolder { extra[Self.tensorBoardKey] = tensorBoardFolder }
    _ = try inFolder(learn) { try learn.save(name, epochsDone: epochsDone, batchesDone: batchesDone, extraMetadata: extra) }
  }

  /// Loads the run's checkpoint into `learn`, or nil when there is none yet (a run that had not
  /// started when the command was stopped).
  func resume(into learn: Learner) throws -> Resumed? {
    try shareFromMain()
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    let info = try inFolder(learn) { try learn.load(name) }
    guard let epochsDone = info.epochsDone, let settingsText = info.metadata[Self.settingsKey],
          let runText = info.metadata[Self.runKey],
          let stored = Self.decode(settingsText) as? [String: String], let json = Self.decode(runText) as? [String: Any],
          var run = TrainingRun(json: json), let lrBits = info.metadata[Self.lrKey].flatMap({ UInt64($0, radix: 16) }) else {
      throw ValidationError("--resume: \(path) is not a checkpoint of descent's train or compare")
    }
    for flag in Set(settings.keys).union(stored.keys).sorted() where settings[flag] != stored[flag] {
      throw ValidationError("--resume: \(path) was trained with \(flag) \(stored[flag] ?? "unset"), not \(settings[flag] ?? "unset"); resume with the same arguments")
    }
    run.lr = Double(bitPattern: lrBits)
    // The algorithms the run began with, even on a machine (or after a deletion of
    // conv-algorithms.tsv) that would time others: they round as before.
    if let choices = info.metadata[Self.convolutionsKey] { try ConvolutionKernels.adoptChoices(choices, source: path) }
    return Resumed(epochsDone: epochsDone, batchesDone: info.batchesDone, run: run,
                   tensorBoardFolder: info.metadata[Self.tensorBoardKey])
  }

  /// Runs `body` with `learn`'s checkpoints in this folder (`Learner.save`/`load` name them by
  /// its model directory), then puts the directory back.
  private func inFolder<T>(_ learn: Learner, _ body: () throws -> T) rethrows -> T {
    let saved = learn.modelDirectory
    learn.modelDirectory = folder
    defer { learn.modelDirectory = saved }
    return try body()
  }

  /// Under mpirun, hosts need not share a file system: rank 0 (which wrote it) sends its
  /// checkpoint file to every process, which keeps a copy at the same path where its host has
  /// none (or another one), so that every process resumes from the same bytes.
  func shareFromMain() throws {
    let world = ProcessGroup.world
    guard world.isDistributed else { return }
    var bytes: [UInt8] = []
    var length = -1.0
    if world.isMain, FileManager.default.fileExists(atPath: path) {
      bytes = try WholeFile.read(path)
      length = Double(bytes.count)
    }
    length = world.broadcast(length)
    guard length >= 0 else { return }
    if !world.isMain { bytes = [UInt8](repeating: 0, count: Int(length)) }
    bytes.withUnsafeMutableBytes { world.broadcast($0) }
    guard !world.isMain, (try? WholeFile.read(path)) != bytes else { return }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try AtomicFile.write(bytes, to: path)
  }

  static func encode(_ object: Any) -> String {
    (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
  }

  static func decode(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }
}

extension TrainingRun {
  /// A run read back from its `json` (a checkpoint's record of the epochs done).
  init?(json: [String: Any]) {
    guard let optimizer = json["optimizer"] as? String, let lr = json["lr"] as? Double, let seed = json["seed"] as? Int,
          let epochs = json["epochs"] as? [[String: Any]] else { return nil }
    self.init(optimizer: optimizer, lr: lr, seed: UInt64(seed))
    lrFindSeconds = json["lr_find_seconds"] as? Double ?? 0
    for e in epochs {
      guard let epoch = e["epoch"] as? Int, let seconds = e["seconds"] as? Double else { return nil }
      self.epochs.append(EpochResult(epoch: epoch, train_loss: e["train_loss"] as? Double, valid_loss: e["valid_loss"] as? Double,
                                     accuracy: e["accuracy"] as? Double, seconds: seconds))
    }
  }
}
