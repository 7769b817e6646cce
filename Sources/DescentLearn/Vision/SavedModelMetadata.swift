import DescentNN
import Foundation

/// What a saved vision model's safetensors metadata says about using it (written by `descent
/// train --save`, read by `predict` and `interpret`): the architecture, the class names and the
/// preprocessing sizes. Reading checks every field, so a file that lies is one clear error, not
/// a crash or an allocation of any size it names.
public struct SavedModelMetadata: Equatable, Sendable {
  public var arch: Architecture
  public var classes: [String]
  public var presize: Int
  public var size: Int

  /// The image sizes training, and so a saved model, may use.
  public static let sizeRange = 8...2048

  public init(arch: Architecture, classes: [String], presize: Int, size: Int) {
    (self.arch, self.classes, self.presize, self.size) = (arch, classes, presize, size)
  }

  public enum ReadError: Error, CustomStringConvertible, Equatable {
    case notASavedModel
    case badField(String, reason: String)

    public var description: String {
      switch self {
      case .notASavedModel: return "not a model saved by `descent train --save` (no descent.* metadata)"
      case .badField(let field, let reason): return "its metadata \(field) \(reason)"
      }
    }
  }

  /// Reads and checks the `descent.*` entries of a safetensors file's metadata.
  public init(_ metadata: [String: String]) throws(ReadError) {
    guard let archName = metadata["descent.arch"], let classesJSON = metadata["descent.classes"],
          let presizeText = metadata["descent.presize"], let sizeText = metadata["descent.size"]
    else { throw .notASavedModel }
    guard let arch = Architecture(rawValue: archName) else {
      throw .badField(
        "descent.arch", reason: "'\(archName)' is not one of \(Architecture.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    guard let classes = try? JSONDecoder().decode([String].self, from: Data(classesJSON.utf8)), classes.count >= 2,
          Set(classes).count == classes.count, !classes.contains("")
    else { throw .badField("descent.classes", reason: "is not a JSON list of at least two distinct, non-empty class names") }
    let sizes = Self.sizeRange
    guard let presize = Int(presizeText), sizes.contains(presize) else {
      throw .badField("descent.presize", reason: "'\(presizeText)' is not a size in \(sizes.lowerBound)…\(sizes.upperBound)")
    }
    guard let size = Int(sizeText), (sizes.lowerBound...presize).contains(size) else {
      throw .badField("descent.size", reason: "'\(sizeText)' is not a size in \(sizes.lowerBound)…\(presize) (the presize)")
    }
    self.init(arch: arch, classes: classes, presize: presize, size: size)
  }

  /// The metadata entries that `init(_:)` reads back.
  public var entries: [String: String] {
    let names = String(decoding: (try? JSONEncoder().encode(classes)) ?? Data("[]".utf8), as: UTF8.self)
    return ["descent.arch": arch.rawValue, "descent.classes": names, "descent.presize": String(presize), "descent.size": String(size)]
  }
}
