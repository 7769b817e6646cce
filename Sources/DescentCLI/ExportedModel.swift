import ArgumentParser
import DescentData
import DescentLearn
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

  /// `models/NAME.safetensors` for a bare name; a path (with a folder or the extension) is
  /// kept, with `.safetensors` added when it lacks it.
  static func path(for nameOrFile: String) -> String {
    if nameOrFile.hasSuffix(".safetensors") { return nameOrFile }
    return nameOrFile.contains("/") ? nameOrFile + ".safetensors" : "models/\(nameOrFile).safetensors"
  }

  func save(to path: String) throws {
    try TrainingOptions.createParentFolder(of: path)
    try model.saveWeights(to: path, metadata: metadata.entries)
  }

  var metadata: SavedModelMetadata { SavedModelMetadata(arch: arch, classes: classes, presize: presize, size: size) }

  static func load(_ nameOrFile: String) throws -> ExportedModel {
    let path = path(for: nameOrFile)
    let file: SafetensorsFile
    do {
      file = try Safetensors.read(path: path)
    } catch {
      // The file's own errors name it already.
      let reason = "\(error)"
      throw reason.contains(path) ? error : ExportError.file(path: path, reason: reason)
    }
    let meta: SavedModelMetadata
    do { meta = try SavedModelMetadata(file.metadata) } catch { throw ExportError.file(path: path, reason: "\(error)") }
    let model = VisionModel.make(meta.arch.make(), nOut: meta.classes.count).model
    try model.loadStateDict(file, sourceName: path)
    return ExportedModel(arch: meta.arch, classes: meta.classes, presize: meta.presize, size: meta.size, model: model)
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
