@testable import DescentData
import DescentTensor
import Foundation
import Testing

/// Epochs visit every item once, the same seed gives the same batches, and bad files fail or
/// are skipped as asked.
struct DataLoaderTests {
  func folder(perClass: Int = 5) throws -> URL {
    let root = try TestImages.folder()
    try TestImages.imageFolder(at: root, perClass: perClass)
    return root
  }

  func loaders(_ root: URL, workers: Int = 2, seed: UInt64 = 42, badFiles: BadFilePolicy = .fail) throws -> DataLoaders {
    try DataLoaders.fromFolder(root, batchSize: 4, resize: Resize(6), batchTransforms: AugTransforms(normalize: .imagenet),
                               seed: seed, workers: workers, badFiles: badFiles)
  }

  func collect(_ epoch: Epoch) throws -> [Batch] {
    var batches: [Batch] = []
    try epoch.forEach { batches.append($0) }
    return batches
  }

  @Test func shuffledEpochVisitsEveryItemOnce() throws {
    let dls = try loaders(folder())
    let train = dls.train
    #expect(train.count == 3)  // 15 items, batches of 4, last one dropped
    let order0 = train.batchIndices(epoch: 0).flatMap { $0 }, order1 = train.batchIndices(epoch: 1).flatMap { $0 }
    #expect(order0.count == 12 && Set(order0).count == 12 && order0 != order1)
    let valid = try collect(dls.valid.nextEpoch())
    #expect(valid.map(\.count) == [4, 4, 4, 3])
    #expect(valid.flatMap(\.files) == dls.valid.items.files.map(\.path))
    let batches = try collect(train.nextEpoch())
    #expect(batches.map { $0.x.shape } == Array(repeating: [4, 3, 6, 6], count: 3))
    #expect(Set(batches.flatMap(\.files)).count == 12)
    for b in batches {
      for (file, label) in zip(b.files, b.y) { #expect(file.contains("/\(dls.vocab[label])/")) }
    }
  }

  @Test func sameSeedSameBatches() throws {
    let root = try folder()
    let a = try collect(loaders(root, workers: 1).train.epoch(3))
    let b = try collect(loaders(root, workers: 3).train.epoch(3))
    let c = try collect(loaders(root, seed: 7).train.epoch(3))
    #expect(a.map(\.files) == b.map(\.files))
    #expect(a.map(\.x.scalars) == b.map(\.x.scalars))
    #expect(a.map(\.x.scalars) != c.map(\.x.scalars))
  }

  /// Workers fill the queue up to the prefetch bound before anyone asks, and no further.
  @Test func prefetchesUpToTheBound() throws {
    let folder = try ImageFolder(folder(perClass: 8))
    let loader = DataLoader(folder.train, batchSize: 2, resize: Resize(6), workers: 2, prefetch: 3)
    let epoch = loader.nextEpoch()
    func waitFor(_ n: Int) -> Bool {
      for _ in 0..<500 where epoch.run.waiting < n { Thread.sleep(forTimeInterval: 0.01) }
      return epoch.run.waiting == n
    }
    #expect(waitFor(3))
    Thread.sleep(forTimeInterval: 0.1)
    #expect(epoch.run.waiting == 3)
    _ = try epoch.next()
    #expect(waitFor(3))  // the freed place was filled before the next request
  }

  @Test func earlyStopAndOneBatch() throws {
    let dls = try loaders(folder(perClass: 8))
    let epoch = dls.train.nextEpoch()
    #expect(try epoch.next() != nil)  // dropped after one batch: workers stop
    #expect(try dls.valid.oneBatch().count == 4)
  }

  @Test func badFilesFailOrAreSkipped() throws {
    let root = try folder()
    let bad = root.appendingPathComponent("train/dog/9.png")
    try Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]).write(to: bad)
    #expect(throws: DataError.self) { try collect(loaders(root).train.epoch(0)) }
    let skipping = try loaders(root, badFiles: .skip).train
    let batches = try collect(skipping.epoch(0))
    // 16 training files now, all in the 4 batches: 15 good ones come out, the bad one is counted.
    #expect(batches.reduce(0) { $0 + $1.count } == 15)
    #expect(skipping.skipped.count == 1)
    #expect(skipping.skipped.allSatisfy { $0.description.contains(bad.path) })
    #expect(!batches.flatMap(\.files).contains(bad.path))
    // A second epoch meets the same file: still one skipped file, not two.
    _ = try collect(skipping.epoch(1))
    #expect(skipping.skipped.count == 1)
  }

  /// A gray file is decoded to one channel and its planes computed once, then copied
  /// (`keepingGray`): its batches are the same bits as those of the same image saved as RGB,
  /// with the batch transforms (crop, warp, lighting, Normalize) and without.
  @Test func grayImagesBatchLikeTheirRGBCopies() throws {
    let gray = try TestImages.folder("gray"), rgb = try TestImages.folder("rgb")
    for (s, split) in ["train", "valid"].enumerated() {
      for (c, label) in ["a", "b"].enumerated() {
        for i in 0..<4 {
          let image = TestImages.smooth(width: 10 + 3 * i, height: 9 + c + s).converted(to: 1)
          for (root, copy) in [(gray, image), (rgb, image.converted(to: 3))] {
            let dir = root.appendingPathComponent(split).appendingPathComponent(label)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try PNGImage.write(copy, to: dir.appendingPathComponent("\(i).png"))
          }
        }
      }
    }
    let grayFile = gray.appendingPathComponent("train/a/0.png")
    #expect(try ImageDecoder.decode(file: grayFile, channels: 3, keepingGray: true).channels == 1)
    #expect(try ImageDecoder.decode(file: grayFile, channels: 3).channels == 3)
    for transforms in [AugTransforms(normalize: .imagenet), nil] {
      let a = try DataLoaders.fromFolder(gray, batchSize: 3, resize: Resize(8), batchTransforms: transforms, seed: 5, workers: 1)
      let b = try DataLoaders.fromFolder(rgb, batchSize: 3, resize: Resize(8), batchTransforms: transforms, seed: 5, workers: 1)
      for (x, y) in [(a.train, b.train), (a.valid, b.valid)] {
        let batchesX = try collect(x.epoch(1)), batchesY = try collect(y.epoch(1))
        #expect(!batchesX.isEmpty && batchesX.map(\.x.shape) == batchesY.map(\.x.shape))
        let same = batchesX.map(\.x.scalars) == batchesY.map(\.x.scalars)
        #expect(same, "gray files batch unlike their RGB copies (transforms: \(transforms != nil))")
      }
    }
  }
}
