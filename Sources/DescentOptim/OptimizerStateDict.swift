import DescentTensor
import Foundation

/// A problem with a saved optimizer state, naming what does not fit.
public enum OptimizerStateError: Error, CustomStringConvertible {
  case notAnOptimizerState(file: String)
  case mismatch(file: String, reason: String)
  case file(SafetensorsError)

  public var description: String {
    switch self {
    case .notAnOptimizerState(let file):
      return "\(file): not a Descent optimizer state (no '\(OptimizerStateKeys.format)' metadata)"
    case .mismatch(let file, let reason):
      return "\(file): the saved optimizer state does not fit this optimizer: \(reason)"
    case .file(let e):
      return e.description
    }
  }
}

enum OptimizerStateKeys {
  static let format = "descent.optimizer"
  static let hypers = "hypers"
  static let parameters = "parameters"
}

/// The state dict: hyper-parameters per group, and per parameter its buffers (tensors named
/// `state.<index>.<buffer>`), scalars (`step` …) and flags, saved as one safetensors file with
/// the non-tensor parts as JSON in its metadata. Loading it into an optimizer built the same
/// way restores the run exactly.
extension Optimizer {
  public func stateDict() -> (tensors: [String: Tensor], metadata: [String: String]) {
    var tensors: [String: Tensor] = [:]
    var perParameter: [[String: Any]] = []
    for (k, p) in allParameters.enumerated() {
      let s = state(of: p)
      for (name, buffer) in s.buffers { tensors["state.\(k).\(name)"] = buffer }
      perParameter.append([
        "shape": p.shape, "scalars": Self.encode(s.scalars), "do_wd": s.doWD, "force_train": s.forceTrain,
        // Shapes, for the buffers not shaped like the parameter (Adafactor's row and column averages).
        "buffer_shapes": s.buffers.mapValues(\.shape),
      ])
    }
    let hyperJSON = hypers.map(Self.encode)
    return (tensors, [
      OptimizerStateKeys.format: "1",
      OptimizerStateKeys.hypers: Self.json(hyperJSON),
      OptimizerStateKeys.parameters: Self.json(perParameter),
    ])
  }

  /// Restores a state dict saved from an optimizer over parameters of the same shapes.
  public func loadStateDict(_ tensors: [String: Tensor], metadata: [String: String], file: String = "(state dict)") throws {
    guard metadata[OptimizerStateKeys.format] != nil else { throw OptimizerStateError.notAnOptimizerState(file: file) }
    guard let savedHypers = (Self.parse(metadata[OptimizerStateKeys.hypers]) as? [[String: Any]])?.map(Self.decode),
          let saved = Self.parse(metadata[OptimizerStateKeys.parameters]) as? [[String: Any]]
    else { throw OptimizerStateError.mismatch(file: file, reason: "its hypers or parameters metadata is not valid JSON") }
    for (g, group) in savedHypers.enumerated() where group == nil {
      throw OptimizerStateError.mismatch(file: file, reason: "the hypers of group \(g) are not numbers")
    }
    let params = allParameters
    guard savedHypers.count == hypers.count else {
      throw OptimizerStateError.mismatch(file: file, reason: "\(savedHypers.count) parameter groups saved, the optimizer has \(hypers.count)")
    }
    guard saved.count == params.count else {
      throw OptimizerStateError.mismatch(file: file, reason: "\(saved.count) parameters saved, the optimizer has \(params.count)")
    }
    for (k, p) in params.enumerated() where (saved[k]["shape"] as? [Int]) != p.shape {
      throw OptimizerStateError.mismatch(file: file, reason: "parameter \(k) was saved with shape \(saved[k]["shape"] ?? "?"), is \(p.shape)")
    }
    var buffers = [[String: Tensor]](repeating: [:], count: params.count)
    for (name, t) in tensors {
      let parts = name.split(separator: ".", maxSplits: 2)
      guard parts.count == 3, parts[0] == "state", let k = Int(parts[1]), k >= 0, k < params.count else {
        throw OptimizerStateError.mismatch(file: file, reason: "unexpected tensor '\(name)'")
      }
      let recorded = (saved[k]["buffer_shapes"] as? [String: [Int]])?[String(parts[2])]
      guard t.shape == recorded ?? params[k].shape else {
        throw OptimizerStateError.mismatch(
          file: file, reason: "tensor '\(name)' has shape \(t.shape), \(recorded.map { "saved as \($0)" } ?? "parameter \(k) is \(params[k].shape)")")
      }
      buffers[k][String(parts[2])] = t
    }
    var scalars: [[String: Double]] = []
    for k in params.indices {
      guard let values = Self.decode((saved[k]["scalars"] as? [String: Any]) ?? [:]) else {
        throw OptimizerStateError.mismatch(file: file, reason: "the scalars of parameter \(k) are not numbers")
      }
      scalars.append(values)
    }
    hypers = savedHypers.map { $0 ?? [:] }
    for (k, p) in params.enumerated() {
      let s = state(of: p)
      s.clear()
      for (name, t) in buffers[k] {
        // Copy into a padded, zeroed buffer like the ones the steppers create.
        s.buffer(name, like: t).copy_(t)
      }
      s.scalars = scalars[k]
      s.doWD = saved[k]["do_wd"] as? Bool ?? true
      s.forceTrain = saved[k]["force_train"] as? Bool ?? false
    }
  }

  /// Saves the state dict atomically as a safetensors file.
  public func save(to path: String) throws {
    let (tensors, metadata) = stateDict()
    do { try Safetensors.save(tensors, to: path, metadata: metadata) } catch { throw OptimizerStateError.file(error) }
  }

  public func load(from path: String) throws {
    let loaded: (tensors: [String: Tensor], metadata: [String: String])
    do { loaded = try Safetensors.load(path: path) } catch { throw OptimizerStateError.file(error) }
    try loadStateDict(loaded.tensors, metadata: loaded.metadata, file: path)
  }

  /// JSON has no infinity or NaN (Prodigy's default growth rate is ∞): those are written as the
  /// strings "inf", "-inf" and "nan", and read back.
  private static func encode(_ values: [String: Double]) -> [String: Any] {
    values.mapValues { v -> Any in v.isFinite ? v : (v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf")) }
  }

  private static func decode(_ values: [String: Any]) -> [String: Double]? {
    var out: [String: Double] = [:]
    for (name, v) in values {
      if let n = v as? NSNumber {
        out[name] = n.doubleValue
      } else if let text = v as? String, ["inf", "-inf", "nan"].contains(text), let n = Double(text) {
        out[name] = n
      } else {
        return nil
      }
    }
    return out
  }

  private static func json(_ object: Any) -> String {
    String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("null".utf8), as: UTF8.self)
  }

  private static func parse(_ text: String?) -> Any? {
    guard let text else { return nil }
    return try? JSONSerialization.jsonObject(with: Data(text.utf8))
  }
}
