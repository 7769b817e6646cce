import ArgumentParser
import DescentData
import DescentNN
import DescentTensor
import Foundation

/// A trained model as `train --save` writes it and `predict` reads it: the weights under
/// fastai's names in a safetensors file, whose metadata carries what is needed to use them —
/// the architecture, the class names and the preprocessing sizes.
struct ExportedModel {
  var arch: Architecture
  var classes: [String]
  var presize: Int
  var size: Int
  var model: Sequential

  /// What the model sees of an image outside training, as fastai's validation pipeline:
  /// Resize(presize) centred, then a centre crop to `size` and ImageNet normalization.
  var resize: Resize { Resize(presize) }
  var batchTransforms: AugTransforms { AugTransforms(size: size, normalize: .imagenet) }

  /// `--model` names an existing file.
  static func validate(_ nameOrFile: String) throws {
    guard FileManager.default.fileExists(atPath: path(for: nameOrFile)) else {
      throw ValidationError("--model: no such file: \(path(for: nameOrFile))")
    }
  }

  /// `models/NAME.safetensors` for a bare name, the path itself otherwise.
  static func path(for nameOrFile: String) -> String {
    nameOrFile.hasSuffix(".safetensors") ? nameOrFile : "models/\(nameOrFile).safetensors"
  }

  func save(to path: String) throws {
    try TrainingOptions.createParentFolder(of: path)
    let names = String(decoding: try JSONEncoder().encode(classes), as: UTF8.self)
    try model.saveWeights(to: path, metadata: [
      "descent.arch": arch.rawValue, "descent.classes": names, "descent.presize": String(presize),
      "descent.size": String(size),
    ])
  }

  static func load(_ nameOrFile: String) throws -> ExportedModel {
    let path = path(for: nameOrFile)
    let file: (tensors: [String: Tensor], metadata: [String: String])
    do {
      file = try Safetensors.load(path: path)
    } catch {
      // The file's own errors name it already.
      let reason = "\(error)"
      throw reason.contains(path) ? error : ExportError.file(path: path, reason: reason)
    }
    let meta = file.metadata
    guard let archName = meta["descent.arch"], let classesJSON = meta["descent.classes"],
          let presizeText = meta["descent.presize"], let sizeText = meta["descent.size"]
    else { throw ExportError.file(path: path, reason: "not a model saved by `descent train --save` (no descent.* metadata)") }
    func bad(_ what: String) -> ExportError { ExportError.file(path: path, reason: "its metadata \(what)") }
    guard let arch = Architecture(rawValue: archName) else {
      throw bad("names the architecture '\(archName)', not one of \(Architecture.argumentNames)")
    }
    guard let classes = try? JSONDecoder().decode([String].self, from: Data(classesJSON.utf8)), classes.count >= 2,
          Set(classes).count == classes.count, !classes.contains("")
    else { throw bad("descent.classes is not a JSON list of at least two distinct, non-empty class names") }
    // The bounds `train` accepts for --presize and --size.
    guard let presize = Int(presizeText), TrainingOptions.presizeRange.contains(presize) else {
      throw bad("descent.presize '\(presizeText)' is not a size in \(TrainingOptions.presizeRange.lowerBound)…\(TrainingOptions.presizeRange.upperBound)")
    }
    guard let size = Int(sizeText), (TrainingOptions.presizeRange.lowerBound...presize).contains(size) else {
      throw bad("descent.size '\(sizeText)' is not a size in \(TrainingOptions.presizeRange.lowerBound)…\(presize) (the presize)")
    }
    let model = VisionModel.make(arch.make(), nOut: classes.count).model
    try model.loadStateDict(file.tensors, sourceName: path)
    return ExportedModel(arch: arch, classes: classes, presize: presize, size: size, model: model)
  }
}

enum ExportError: Error, CustomStringConvertible {
  case file(path: String, reason: String)

  var description: String {
    switch self {
    case .file(let path, let reason): return "\(path): \(reason)"
    }
  }
}
