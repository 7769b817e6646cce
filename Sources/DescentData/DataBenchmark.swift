import DescentTensor
import Foundation

/// How fast the loader turns JPEG files into augmented, normalized batches: the figure to set
/// beside what a training step consumes.
public enum DataBenchmark {
  public struct Result: Sendable {
    public var images: Int
    public var seconds: Double
    public var imagesPerSecond: Double { Double(images) / seconds }
    /// Decoding plus Resize alone on one thread, images per second.
    public var decodeOnlyPerSecond: Double
    /// Augmentation (one fused resample) alone on one thread, images per second.
    public var augmentOnlyPerSecond: Double
  }

  /// Writes `count` JPEGs of `size` × `size` (smooth random colour fields, quality 90, like a
  /// photo) as `root/train/<a|b>/…` and `root/val/<a|b>/…` (a few), unless already there.
  public static func makeJPEGFolder(at root: URL, count: Int, size: Int = 160) throws {
    var g = RandomGenerator(seed: 11)
    for i in 0..<count {
      let split = i < count - 4 ? "train" : "val", label = i % 2 == 0 ? "a" : "b"
      let dir = root.appendingPathComponent("\(split)/\(label)")
      let file = dir.appendingPathComponent(String(format: "%05d.jpg", i))
      if FileManager.default.fileExists(atPath: file.path) { continue }
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      let (fx, fy, phase) = (Double(g.nextUniform()) * 0.3, Double(g.nextUniform()) * 0.3, Double(g.nextUniform()) * 6)
      var pixels = [UInt8](repeating: 0, count: size * size * 3)
      for y in 0..<size {
        for x in 0..<size {
          for c in 0..<3 {
            let v = 128 + 90 * sin(fx * Double(x) + fy * Double(y) + phase + 2 * Double(c)) + 30 * sin(0.9 * Double(x * y % 17))
            pixels[(y * size + x) * 3 + c] = UInt8(clamping: Int(v))
          }
        }
      }
      let bytes = try JPEGCodec.encode(Image8(width: size, height: size, channels: 3, pixels: pixels), quality: 90)
      try Data(bytes).write(to: file)
    }
  }

  /// Times `epochs` epochs of a training loader over the folder: decode, Resize(`size`) crop,
  /// `aug_transforms(size: crop, min_scale: 0.35)` with ImageNet stats, in `workers` threads.
  public static func run(folder: URL, size: Int = 160, crop: Int = 128, batchSize: Int = 64,
                         workers: Int? = nil, epochs: Int = 2) throws -> Result {
    let dls = try DataLoaders.fromFolder(folder, validName: "val", batchSize: batchSize, resize: Resize(size),
                                         batchTransforms: AugTransforms(size: crop, minScale: 0.35, normalize: .imagenet),
                                         workers: workers)
    _ = try dls.train.oneBatch()  // warm-up: page cache, thread start
    var images = 0
    let start = Timing.now()
    for _ in 0..<epochs {
      try dls.train.nextEpoch().forEach { images += $0.count }
    }
    let seconds = Timing.now() - start

    // Single-thread stage costs, on the first batch's files.
    let files = try dls.train.items.files.prefix(batchSize).map { try Data(contentsOf: $0) }
    let decoded = try files.map { try ImageDecoder.decode($0, name: "") }
    let resize = Resize(size)
    let item = Tensor(uninitializedShape: [files.count, 3, size, size])
    let decodeTime = Timing.secondsPerCall(minimumSeconds: 0.3) {
      for (k, f) in files.enumerated() {
        guard let image = try? ImageDecoder.decode(f, name: "") else { continue }
        resize.apply(image, position: (0.5, 0.5), into: item.pointer + k * 3 * size * size)
      }
    }
    let augment = AugTransforms(size: crop, minScale: 0.35, normalize: .imagenet)
    var g = RandomGenerator(seed: 1)
    let draws = decoded.map { _ in augment.draw(h: size, w: size, using: &g) }
    let out = Tensor(uninitializedShape: [files.count, 3, crop, crop])
    let augmentTime = Timing.secondsPerCall(minimumSeconds: 0.3) {
      for k in 0..<files.count { augment.apply(item, index: k, draws: draws[k], into: out) }
    }
    return Result(images: images, seconds: seconds,
                  decodeOnlyPerSecond: Double(files.count) / decodeTime,
                  augmentOnlyPerSecond: Double(files.count) / augmentTime)
  }
}
