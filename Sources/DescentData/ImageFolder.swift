import Foundation

/// Labelled image files: one split of a dataset.
public struct LabelledItems: Sendable {
  public var files: [URL]
  /// Index into the vocabulary, one per file.
  public var labels: [Int]

  public init(files: [URL], labels: [Int]) {
    precondition(files.count == labels.count, "\(files.count) files but \(labels.count) labels")
    self.files = files
    self.labels = labels
  }

  public var count: Int { files.count }
}

/// A folder in the ImageNet layout, `root/<train>/<label>/*.jpg` and `root/<valid>/<label>/…`,
/// made into items: files by `getImageFiles`, split by `GrandparentSplitter`, labelled by
/// `parentLabel`, with the sorted vocabulary of the training labels.
public struct ImageFolder: Sendable {
  public let root: URL
  public let train: LabelledItems
  public let valid: LabelledItems
  public let vocab: Vocab

  /// `validName` nil picks the first of "valid" and "val" that exists (Imagenette uses "val").
  public init(_ root: URL, trainName: String = "train", validName: String? = nil) throws {
    let fm = FileManager.default
    guard fm.fileExists(atPath: root.path) else { throw DataError.missingFolder(root.path) }
    let validName = validName ?? (["valid", "val"].first { fm.fileExists(atPath: root.appendingPathComponent($0).path) } ?? "valid")
    let trainFolder = root.appendingPathComponent(trainName), validFolder = root.appendingPathComponent(validName)
    if !fm.fileExists(atPath: trainFolder.path), !subfolders(of: root).isEmpty, try !getImageFiles(root).isEmpty {
      throw DataError.unsplitFolder(root.path)
    }
    for folder in [trainFolder, validFolder] {
      var isDirectory: ObjCBool = false
      guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw DataError.missingFolder(folder.path)
      }
      try refuseEmptyClassFolders(in: folder)
    }
    let files = try getImageFiles(root)
    let split = GrandparentSplitter(trainName: trainName, validName: validName).split(files)
    guard !split.train.isEmpty else { throw DataError.noImages(trainFolder.path) }
    guard !split.valid.isEmpty else { throw DataError.noImages(validFolder.path) }
    try self.init(root, files: files, split: split, classesUnder: trainFolder)
  }

  /// A folder of class subfolders alone, `root/<label>/*.jpg`, split by fastai's
  /// `RandomSplitter`: `validPct` of the images, drawn with `seed`, for validation.
  public init(_ root: URL, validPct: Double, seed: UInt64 = 42) throws {
    let fm = FileManager.default
    guard fm.fileExists(atPath: root.path) else { throw DataError.missingFolder(root.path) }
    if ["train", "valid", "val"].contains(where: { fm.fileExists(atPath: root.appendingPathComponent($0).path) }) {
      throw DataError.alreadySplit(root.path)
    }
    try refuseEmptyClassFolders(in: root)
    let files = try getImageFiles(root)
    let split = RandomSplitter(validPct: validPct, seed: seed).split(files)
    guard !split.train.isEmpty, !split.valid.isEmpty else { throw DataError.noImages(root.path) }
    try self.init(root, files: files, split: split, classesUnder: root)
  }

  /// Labels by parent folder, with the sorted vocabulary of the training labels (a validation
  /// label missing from training is refused, naming its folder under `classesUnder`).
  init(_ root: URL, files: [URL], split: Split, classesUnder classRoot: URL) throws {
    let vocab = Vocab(split.train.map { parentLabel(files[$0]) })
    guard vocab.count >= 2 else { throw DataError.singleClass(folder: classRoot.path, label: vocab.classes[0]) }
    func items(_ indices: [Int]) throws -> LabelledItems {
      let chosen = indices.map { files[$0] }
      let labels = try chosen.map { file -> Int in
        guard let i = vocab.index(of: parentLabel(file)) else {
          throw DataError.missingFolder(classRoot.appendingPathComponent(parentLabel(file)).path)
        }
        return i
      }
      return LabelledItems(files: chosen, labels: labels)
    }
    self.root = root
    self.train = try items(split.train)
    self.valid = try items(split.valid)
    self.vocab = vocab
  }
}

/// A class folder without images is almost always a mistake (a failed copy or extraction).
private func refuseEmptyClassFolders(in folder: URL) throws {
  for classFolder in subfolders(of: folder) where try getImageFiles(classFolder).isEmpty {
    throw DataError.emptyClassFolder(classFolder.path)
  }
}
