import DescentTensor
import Foundation

/// Batches of labelled images, decoded and transformed in worker threads ahead of the consumer
/// (fastai's `DataLoader` with `after_item=Resize`, `after_batch=aug_transforms + Normalize`).
///
/// Each epoch visits every item once, in an order shuffled from `seed` and the epoch number;
/// the random crop position and augmentation of an item come from `seed`, the epoch and the
/// item's index, so the same seed gives the same batches whatever the thread timing, the batch
/// size or the data-parallel shard (two processes at batch b see the items, transformed alike,
/// that one process sees at batch 2b).
public final class DataLoader: Sendable {
  public let items: LabelledItems
  public let batchSize: Int
  public let shuffle: Bool
  public let dropLast: Bool
  /// Training: random crop positions and augmentation; otherwise centred and none.
  public let training: Bool
  public let channels: Int
  public let resize: Resize?
  public let augment: AugTransforms?
  public let seed: UInt64
  public let workers: Int
  /// How many finished batches may wait for the consumer.
  public let prefetch: Int
  public let badFiles: BadFilePolicy
  /// The part of each epoch this process takes in a data-parallel run (all of it by default).
  public let shard: Shard

  private let epochCounter = Locked(0)
  private let skippedFiles = Locked<[DataError]>([])

  public init(_ items: LabelledItems, batchSize: Int = 64, shuffle: Bool = false, dropLast: Bool = false,
              training: Bool = false, channels: Int = 3, resize: Resize? = nil, augment: AugTransforms? = nil,
              seed: UInt64 = 42, workers: Int? = nil, prefetch: Int? = nil, badFiles: BadFilePolicy = .fail,
              shard: Shard = .whole) {
    precondition(batchSize > 0, "DataLoader: batch size \(batchSize) must be positive")
    self.items = items
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.dropLast = dropLast
    self.training = training
    self.channels = channels
    self.resize = resize
    self.augment = augment
    self.seed = seed
    self.workers = Swift.max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
    self.prefetch = Swift.max(1, prefetch ?? 2 * self.workers)
    self.badFiles = badFiles
    self.shard = shard
  }

  /// This loader's settings, taking `shard` of each epoch.
  public func sharded(_ shard: Shard) -> DataLoader {
    DataLoader(
      items, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, training: training, channels: channels,
      resize: resize, augment: augment, seed: seed, workers: workers, prefetch: prefetch, badFiles: badFiles,
      shard: shard)
  }

  /// Batches per epoch.
  public var count: Int {
    let n = shard.itemCount(of: items.count)
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize
  }

  /// The files skipped so far (with `badFiles: .skip`), each as the error it gave.
  public var skipped: [DataError] { skippedFiles.withLock { $0 } }

  /// The item indices of each batch of epoch `epoch`.
  public func batchIndices(epoch: Int) -> [[Int]] {
    var order = Array(0..<items.count)
    if shuffle {
      var g = RandomGenerator(seed: mix(seed, UInt64(epoch), 0x5348_5546))
      order.shuffle(using: &g)
    }
    order = shard.items(of: order)
    return (0..<count).map { b in Array(order[(b * batchSize)..<Swift.min(order.count, (b + 1) * batchSize)]) }
  }

  /// The next epoch's batches (the first call gives epoch 0, then 1, …): reshuffled each time.
  public func nextEpoch() -> Epoch {
    let e = epochCounter.withLock { e -> Int in defer { e += 1 }; return e }
    return epoch(e)
  }

  /// Epoch `number`'s batches, computed ahead by the worker threads as they are consumed.
  public func epoch(_ number: Int) -> Epoch {
    Epoch(run: EpochRun(loader: self, batches: batchIndices(epoch: number), epoch: number))
  }

  /// The first batch of the next epoch (fastai's `one_batch`).
  public func oneBatch() throws -> Batch {
    guard let batch = try nextEpoch().next() else { throw DataError.noImages("the \(items.count) items of this loader") }
    return batch
  }

  /// Builds a batch of `epoch` from the items at `indices`: decode, Resize, then the batch
  /// transforms. Runs on a worker thread; nil when every file of the batch was skipped.
  func makeBatch(_ indices: [Int], epoch: Int) throws -> Batch? {
    var images: [Image8] = [], labels: [Int] = [], files: [String] = [], itemIndices: [Int] = []
    for i in indices {
      do {
        images.append(try ImageDecoder.decode(file: items.files[i], channels: channels, keepingGray: true))
        itemIndices.append(i)
        labels.append(items.labels[i])
        files.append(items.files[i].path)
      } catch let error as DataError where badFiles == .skip {
        // Once per file, however many epochs meet it.
        skippedFiles.withLock { if !$0.contains(error) { $0.append(error) } }
      }
    }
    guard let first = images.first else { return nil }
    let (h, w) = resize.map { ($0.height, $0.width) } ?? (first.height, first.width)
    let plane = channels * h * w
    let x = Tensor(uninitializedShape: [images.count, channels, h, w])
    // One generator per item, seeded by the item: its draws do not depend on its batch.
    var generators = itemIndices.map { RandomGenerator(seed: mix(seed, UInt64(epoch), UInt64($0))) }
    // A gray image kept one channel (`keepingGray`): its one plane is written, and stands for
    // all three until the batch transforms write them, or is copied into them.
    for (k, image) in images.enumerated() {
      let planes = x.pointer + k * plane
      if let resize {
        resize.apply(image, position: resize.drawPosition(training: training, using: &generators[k]), into: planes)
      } else {
        guard image.width == w && image.height == h else {
          throw DataError.sizeMismatch(files[k], expected: "\(w)×\(h)", found: "\(image.width)×\(image.height)")
        }
        image.writePlanes(into: planes)
      }
      if augment == nil {
        for ch in image.channels..<channels { (planes + ch * h * w).update(from: planes, count: h * w) }
      }
    }
    guard let augment else { return Batch(x: x, y: labels, files: files) }
    let (oh, ow) = augment.outputSize(h: h, w: w)
    let out = Tensor(uninitializedShape: [images.count, channels, oh, ow])
    for (k, image) in images.enumerated() {
      let draws = training ? augment.draw(h: h, w: w, using: &generators[k]) : augment.validationDraws(h: h, w: w)
      augment.apply(x, index: k, draws: draws, into: out, sourceChannels: image.channels)
    }
    return Batch(x: out, y: labels, files: files)
  }
}

/// A seed for one (loader seed, epoch, item) triple: splitmix64's finalizer over their mix.
func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
  var z = a &+ 0x9E37_79B9_7F4A_7C15 &* (b &+ 1) &+ 0xBF58_476D_1CE4_E5B9 &* (c &+ 1)
  z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
  z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
  return z ^ (z >> 31)
}
