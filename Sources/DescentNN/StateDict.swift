import DescentTensor
import Foundation

/// What loading a state dict found: keys the model has and the source lacks, keys the source
/// has and the model lacks, and tensors whose shapes differ. PyTorch's `num_batches_tracked`
/// keys are ignored (Descent keeps no such buffer).
public struct StateDictLoadReport: Sendable, Equatable, CustomStringConvertible {
  public var missing: [String] = []
  public var unexpected: [String] = []
  public var mismatched: [ShapeMismatch] = []
  public var loaded = 0

  public struct ShapeMismatch: Sendable, Equatable {
    public var name: String
    public var model: [Int], source: [Int]
  }

  public var isClean: Bool { missing.isEmpty && unexpected.isEmpty && mismatched.isEmpty }

  public var description: String {
    var lines = ["loaded \(loaded) tensors"]
    if !missing.isEmpty { lines.append("missing keys (\(missing.count)): " + missing.joined(separator: ", ")) }
    if !unexpected.isEmpty { lines.append("unexpected keys (\(unexpected.count)): " + unexpected.joined(separator: ", ")) }
    for m in mismatched { lines.append("shape mismatch for \(m.name): model \(m.model), file \(m.source)") }
    return lines.joined(separator: "\n")
  }
}

public enum StateDictError: Error, CustomStringConvertible {
  /// A strict load found differences; nothing was changed.
  case mismatch(source: String, report: StateDictLoadReport)
  case file(SafetensorsError)
  /// A tensor the model would take is stored as integers or booleans: converting it would load
  /// nonsense (an int8-quantized file read as floats gives NaN predictions) without a word.
  case notFloatingPoint(source: String, tensor: String, dtype: String)

  public var description: String {
    switch self {
    case .mismatch(let source, let report):
      return "\(source) does not match the model (nothing was loaded):\n\(report)"
    case .file(let error): return "\(error)"
    case .notFloatingPoint(let source, let tensor, let dtype):
      return "\(source): tensor \(tensor) is stored as \(dtype); a model's weights must be floating point (F16, BF16, F32 or F64)"
    }
  }
}

extension Module {
  /// Parameters and buffers by their PyTorch `state_dict()` names, sharing storage with the model.
  public func stateDict() -> [String: Tensor] { Dictionary(uniqueKeysWithValues: namedState()) }

  /// Copies `source`'s values into this model's tensors in place (so an optimizer holding them
  /// keeps working). Strict: any missing or unexpected key or shape mismatch throws and changes
  /// nothing. Not strict: loads what matches and returns the report of the rest.
  @discardableResult
  public func loadStateDict(
    _ source: [String: Tensor], strict: Bool = true, sourceName: String = "state dict"
  ) throws(StateDictError) -> StateDictLoadReport {
    let own = namedState()
    var report = StateDictLoadReport()
    let ownNames = Set(own.map(\.0))
    report.unexpected = source.keys.filter { !ownNames.contains($0) && !$0.hasSuffix("num_batches_tracked") }.sorted()
    var matches: [(Tensor, Tensor)] = []
    for (name, t) in own {
      guard let s = source[name] else { report.missing.append(name); continue }
      guard s.shape == t.shape else {
        report.mismatched.append(.init(name: name, model: t.shape, source: s.shape))
        continue
      }
      matches.append((t, s))
    }
    if strict && !report.isClean { throw .mismatch(source: sourceName, report: report) }
    noGrad {
      for (t, s) in matches { _ = t.copy_(s) }
    }
    report.loaded = matches.count
    return report
  }

  /// Writes the state dict as safetensors (atomically), loadable by PyTorch's `load_file`.
  public func saveWeights(to path: String, metadata: [String: String] = [:]) throws(StateDictError) {
    do { try Safetensors.save(stateDict(), to: path, metadata: metadata) } catch { throw .file(error) }
  }

  /// Loads a safetensors file written by Descent or by PyTorch's `save_file(model.state_dict())`.
  @discardableResult
  public func loadWeights(from path: String, strict: Bool = true) throws(StateDictError) -> StateDictLoadReport {
    let file: SafetensorsFile
    do { file = try Safetensors.read(path: path) } catch { throw .file(error) }
    return try loadStateDict(file, strict: strict, sourceName: path)
  }

  /// Loads the tensors of a decoded safetensors file. Every tensor the model takes must be stored
  /// as floating point; other tensors (PyTorch's int64 `num_batches_tracked`) are not converted.
  @discardableResult
  public func loadStateDict(
    _ file: SafetensorsFile, strict: Bool = true, sourceName: String
  ) throws(StateDictError) -> StateDictLoadReport {
    let ownNames = Set(namedState().map(\.0))
    var tensors: [String: Tensor] = [:]
    for entry in file.entries {
      guard ownNames.contains(entry.name) else {
        // Reported as unexpected by name (or ignored, for num_batches_tracked); never read.
        tensors[entry.name] = Tensor.zeros([0])
        continue
      }
      guard entry.dtype.isFloatingPoint else {
        throw .notFloatingPoint(source: sourceName, tensor: entry.name, dtype: entry.dtype.rawValue)
      }
      do { tensors[entry.name] = Tensor(try entry.floats(), shape: entry.shape) } catch { throw .file(error) }
    }
    return try loadStateDict(tensors, strict: strict, sourceName: sourceName)
  }
}
