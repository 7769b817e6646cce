import DescentData
import DescentTensor
import Foundation
import Testing

/// Test inputs made by formula (the same formula as Reference/augment_reference.py) and
/// throw-away folders of generated image files.
enum TestImages {
  /// A 16 × 12 RGB image of smooth waves.
  static func smooth(width: Int = 16, height: Int = 12) -> Image8 {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
      for x in 0..<width {
        for c in 0..<3 {
          let v = 128 + 80 * sin(0.25 * Double(x) + 0.15 * Double(y) + Double(c)) + 30 * cos(0.2 * Double(y) - 0.1 * Double(x) + 2 * Double(c))
          pixels[(y * width + x) * 3 + c] = UInt8(Swift.min(255, Swift.max(0, v.rounded(.toNearestOrEven))))
        }
      }
    }
    return Image8(width: width, height: height, channels: 3, pixels: pixels)
  }

  /// The image as a [n, 3, h, w] batch of n copies, in [0, 1].
  static func batch(_ image: Image8, copies n: Int) -> Tensor {
    let plane = image.channels * image.width * image.height
    let t = Tensor(uninitializedShape: [n, image.channels, image.height, image.width])
    for i in 0..<n { image.writePlanes(into: t.pointer + i * plane) }
    return t
  }

  /// A fresh empty folder in this process's folder of test folders.
  static func folder(_ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = processFolder.appendingPathComponent("\(safe)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Every test folder of this process lies in one folder under the temporary directory, removed
  /// when the process exits (tests that fail midway leave nothing behind either).
  private static let processFolder: URL = {
    atexit { try? FileManager.default.removeItem(at: TestImages.processFolder) }
    return FileManager.default.temporaryDirectory.appendingPathComponent("descent-data-tests-\(getpid())")
  }()

  /// A tiny image whose colour encodes `seed`, so tests can tell images apart.
  static func solid(_ seed: Int, width: Int = 10, height: Int = 8) -> Image8 {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for i in 0..<(width * height) {
      pixels[i * 3] = UInt8(seed % 256); pixels[i * 3 + 1] = UInt8((seed * 7 + i) % 256); pixels[i * 3 + 2] = 200
    }
    return Image8(width: width, height: height, channels: 3, pixels: pixels)
  }

  /// `root/<split>/<class>/<i>.png` (and .jpg for every third), `perClass` images each.
  @discardableResult
  static func imageFolder(at root: URL, classes: [String] = ["cat", "dog", "fox"], perClass: Int = 4,
                          splits: [String] = ["train", "valid"]) throws -> Int {
    var n = 0
    for split in splits {
      for (ci, c) in classes.enumerated() {
        let dir = root.appendingPathComponent(split).appendingPathComponent(c)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for i in 0..<perClass {
          let image = solid(ci * 50 + i)
          if i % 3 == 2 {
            try Data(JPEGCodec.encode(image, quality: 95)).write(to: dir.appendingPathComponent("\(i).JPG"))
          } else {
            try PNGImage.write(image, to: dir.appendingPathComponent("\(i).png"))
          }
          n += 1
        }
      }
    }
    return n
  }
}

/// Asserts |a − b| ≤ atol elementwise, reporting the first mismatch and the largest error.
func expectClose(_ a: [Float], _ b: [Float], atol: Float, sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(a.count == b.count, "counts differ: \(a.count) vs \(b.count)", sourceLocation: sourceLocation)
  let worst = zip(a, b).enumerated().max { abs($0.1.0 - $0.1.1) < abs($1.1.0 - $1.1.1) }
  if let (i, (x, y)) = worst, !(abs(x - y) <= atol) {
    Issue.record("largest error at element \(i): \(x) vs expected \(y)", sourceLocation: sourceLocation)
  }
}
