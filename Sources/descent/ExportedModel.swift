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
    do { file = try Safetensors.load(path: path) } catch { throw ExportError.file(path: path, reason: "\(error)") }
    let meta = file.metadata
    guard let arch = meta["descent.arch"].flatMap(Architecture.init(rawValue:)),
          let classesJSON = meta["descent.classes"],
          let classes = try? JSONDecoder().decode([String].self, from: Data(classesJSON.utf8)), classes.count >= 2,
          let presize = meta["descent.presize"].flatMap(Int.init), let size = meta["descent.size"].flatMap(Int.init)
    else { throw ExportError.file(path: path, reason: "not a model saved by `descent train --save` (no descent.* metadata)") }
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
