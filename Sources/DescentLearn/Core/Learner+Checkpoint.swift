import DescentDistributed
import DescentOptim
import DescentTensor
import Foundation

/// What `load` found in a checkpoint.
public struct CheckpointInfo: Sendable {
  public let path: String
  /// Epochs completed when it was saved, if the saver said.
  public let epochsDone: Int?
  /// Training batches of the next epoch done when it was saved (a run stopped mid-epoch), 0 at
  /// an epoch's end.
  public let batchesDone: Int
  /// Whether the optimizer state was restored too.
  public let optimizerLoaded: Bool
  /// The file's metadata, with what its saver added (`save(extraMetadata:)`).
  public let metadata: [String: String]
}

enum CheckpointKeys {
  static let format = "descent.checkpoint"
  static let epochsDone = "descent.epochs_done"
  static let batchesDone = "descent.batches_done"
  static let processes = "descent.processes"
  static let random = "descent.random"
  static let recorder = "descent.recorder"
  static let model = "model."
  static let optimizer = "opt."
}

/// Checkpoints: the model's parameters and buffers (`namedState`) and the optimizer's state
/// dict in one safetensors file, `<modelDirectory>/<name>.safetensors`. The file is written to
/// a temporary file and renamed over the old one (`Safetensors.save` does this and fsyncs), so
/// an interrupted save never leaves a torn checkpoint.
///
/// Under mpirun every process holds the same state: rank 0 alone writes. A checkpoint records
/// how many processes trained it, and resumes under that many only (each process's shard of
/// the data, and so the run, depends on it).
extension Learner {
  public func checkpointPath(_ name: String) -> String { modelDirectory + "/" + name + ".safetensors" }

  /// Saves model (and optimizer) state, with `extraMetadata` (a program's own keys, not
  /// `descent.`-prefixed ones); returns the file's path.
  @discardableResult
  public func save(_ name: String, withOptimizer: Bool = true, epochsDone: Int? = nil, batchesDone: Int = 0,
                   extraMetadata: [String: String] = [:]) throws -> String {
    let path = checkpointPath(name)
    guard Communicator.world.isMain else { return path }
    do {
      try FileManager.default.createDirectory(atPath: modelDirectory, withIntermediateDirectories: true)
    } catch {
      throw LearnerError.checkpointIO(path: path, reason: "cannot create the folder \(modelDirectory): \(error.localizedDescription)")
    }
    var tensors: [String: Tensor] = [:]
    for (name, t) in model.namedState() { tensors[CheckpointKeys.model + name] = t }
    var metadata = extraMetadata
    metadata[CheckpointKeys.format] = "1"
    metadata[CheckpointKeys.processes] = String(Communicator.world.size)
    if let epochsDone {
      // A training checkpoint: what a resumed fit needs to draw and record as this one would.
      metadata[CheckpointKeys.epochsDone] = String(epochsDone)
      metadata[CheckpointKeys.batchesDone] = String(batchesDone)
      metadata[CheckpointKeys.random] = Random.state.map { String($0, radix: 16) }.joined(separator: " ")
      if let json = try? JSONEncoder().encode(recorder.state) { metadata[CheckpointKeys.recorder] = String(decoding: json, as: UTF8.self) }
    }
    if withOptimizer, let opt = optimizer {
      let dict = opt.stateDict()
      for (k, t) in dict.tensors { tensors[CheckpointKeys.optimizer + k] = t }
      metadata.merge(dict.metadata) { a, _ in a }
    }
    do {
      try Safetensors.save(tensors, to: path, metadata: metadata)
    } catch {
      throw LearnerError.checkpointIO(path: path, reason: error.description)
    }
    return path
  }

  /// Loads a checkpoint saved by `save` into this learner's model (strictly: every tensor must
  /// be there with its shape, and no other) and, when it holds one, its optimizer state.
  @discardableResult
  public func load(_ name: String, withOptimizer: Bool = true) throws -> CheckpointInfo {
    let path = checkpointPath(name)
    let file: (tensors: [String: Tensor], metadata: [String: String])
    do {
      file = try Safetensors.load(path: path)
    } catch {
      throw LearnerError.checkpointIO(path: path, reason: error.description)
    }
    guard file.metadata[CheckpointKeys.format] != nil else {
      throw LearnerError.checkpointMismatch(path: path, reason: "it is not a Descent checkpoint (no '\(CheckpointKeys.format)' metadata)")
    }
    let processes = Int(file.metadata[CheckpointKeys.processes] ?? "1") ?? 1
    if epochsDone(file.metadata) != nil, processes != Communicator.world.size {
      throw LearnerError.checkpointMismatch(
        path: path,
        reason: "it was trained by \(processes) process(es) and this run has \(Communicator.world.size); resume it with mpirun -np \(processes) (each process's share of the data depends on it)")
    }
    let state = model.namedState()
    let modelKeys = Set(file.tensors.keys.filter { $0.hasPrefix(CheckpointKeys.model) })
    let expected = Set(state.map { CheckpointKeys.model + $0.0 })
    if let extra = modelKeys.subtracting(expected).sorted().first {
      throw LearnerError.checkpointMismatch(path: path, reason: "it holds '\(extra.dropFirst(CheckpointKeys.model.count))', which the model does not have")
    }
    for (name, t) in state {
      guard let saved = file.tensors[CheckpointKeys.model + name] else {
        throw LearnerError.checkpointMismatch(path: path, reason: "the model's '\(name)' is missing")
      }
      guard saved.shape == t.shape else {
        throw LearnerError.checkpointMismatch(path: path, reason: "'\(name)' was saved with shape \(saved.shape), the model's is \(t.shape)")
      }
    }
    noGrad { for (name, t) in state { t.copy_(file.tensors[CheckpointKeys.model + name]!) } }

    var optimizerLoaded = false
    if withOptimizer, file.metadata["descent.optimizer"] != nil {
      var optTensors: [String: Tensor] = [:]
      for (k, t) in file.tensors where k.hasPrefix(CheckpointKeys.optimizer) {
        optTensors[String(k.dropFirst(CheckpointKeys.optimizer.count))] = t
      }
      do {
        try opt.loadStateDict(optTensors, metadata: file.metadata, file: path)
      } catch {
        throw LearnerError.checkpointMismatch(path: path, reason: "\(error)")
      }
      optimizerLoaded = true
    }
    resumeState = nil
    if let words = file.metadata[CheckpointKeys.random]?.split(separator: " ").compactMap({ UInt64($0, radix: 16) }), words.count == 4,
       let json = file.metadata[CheckpointKeys.recorder],
       let recorded = try? JSONDecoder().decode(Recorder.State.self, from: Data(json.utf8)) {
      resumeState = (words, recorded)
    }
    return CheckpointInfo(path: path, epochsDone: epochsDone(file.metadata),
                          batchesDone: file.metadata[CheckpointKeys.batchesDone].flatMap { Int($0) } ?? 0,
                          optimizerLoaded: optimizerLoaded, metadata: file.metadata)
  }

  private func epochsDone(_ metadata: [String: String]) -> Int? { metadata[CheckpointKeys.epochsDone].flatMap { Int($0) } }
}
