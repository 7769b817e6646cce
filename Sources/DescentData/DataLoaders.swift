import Foundation

/// A training and a validation loader with their class vocabulary (fastai's `DataLoaders`).
public struct DataLoaders: Sendable {
  public let train: DataLoader
  public let valid: DataLoader
  public let vocab: Vocab

  public init(train: DataLoader, valid: DataLoader, vocab: Vocab) {
    self.train = train
    self.valid = valid
    self.vocab = vocab
  }

  /// fastai's `ImageDataLoaders.from_folder`: an `ImageFolder` (ImageNet layout), the training
  /// loader shuffled with drop-last and augmented, the validation one in order, centred and
  /// not augmented; both resized by `resize` per item and given `batchTransforms` (whose
  /// `normalize`, if any, applies to both). With `validPct`, `root` is a folder of class
  /// subfolders alone, split by `RandomSplitter(validPct, seed: 42)` (the split's seed is fixed,
  /// as in fastai's examples, so that every run validates on the same images).
  public static func fromFolder(
    _ root: URL, trainName: String = "train", validName: String? = nil, batchSize: Int = 64,
    resize: Resize? = nil, batchTransforms: AugTransforms? = nil, channels: Int = 3, seed: UInt64 = 42,
    workers: Int? = nil, badFiles: BadFilePolicy = .fail, validPct: Double? = nil
  ) throws -> DataLoaders {
    let folder = try validPct.map { try ImageFolder(root, validPct: $0) } ?? ImageFolder(root, trainName: trainName, validName: validName)
    let train = DataLoader(folder.train, batchSize: batchSize, shuffle: true, dropLast: true, training: true,
                           channels: channels, resize: resize, augment: batchTransforms, seed: seed,
                           workers: workers, badFiles: badFiles)
    let valid = DataLoader(folder.valid, batchSize: batchSize, channels: channels, resize: resize,
                           augment: batchTransforms, seed: seed, workers: workers, badFiles: badFiles)
    return DataLoaders(train: train, valid: valid, vocab: folder.vocab)
  }
}
