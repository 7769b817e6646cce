/// A decoded 8-bit image: `height × width × channels` bytes, row-major, channels interleaved
/// (the layout codecs read and write). Channels are 1 (gray), 3 (RGB) or 4 (RGBA).
public struct Image8: Sendable, Equatable {
  public var width: Int
  public var height: Int
  public var channels: Int
  public var pixels: [UInt8]

  public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
    precondition([1, 3, 4].contains(channels), "Image8: \(channels) channels (expected 1, 3 or 4)")
    precondition(pixels.count == width * height * channels, "Image8: \(pixels.count) bytes for \(width)×\(height)×\(channels)")
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = pixels
  }

  /// The same image with `count` channels, as PIL's `convert`: gray is replicated into RGB,
  /// RGB becomes gray by ITU-R 601 luma (PIL's integer formula), alpha is dropped or set opaque.
  public func converted(to count: Int) -> Image8 {
    if count == channels { return self }
    precondition([1, 3, 4].contains(count), "Image8: cannot convert to \(count) channels")
    let n = width * height, from = channels
    var out = [UInt8](repeating: 255, count: n * count)
    pixels.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        for i in 0..<n {
          let s = i * from, d = i * count
          if count == 1 {
            dst[d] = from == 1 ? src[s] : Image8.luma(src[s], src[s + 1], src[s + 2])
          } else if from == 1 {
            dst[d] = src[s]; dst[d + 1] = src[s]; dst[d + 2] = src[s]
          } else {
            dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2]
          }
          if count == 4 && from == 4 { dst[d + 3] = src[s + 3] }
        }
      }
    }
    return Image8(width: width, height: height, channels: count, pixels: out)
  }

  /// PIL's "L" conversion: (299 R + 587 G + 114 B) / 1000 in 16-bit fixed point, rounded.
  @inline(__always)
  static func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
    let sum: UInt32 = UInt32(r) &* 19595 &+ UInt32(g) &* 38470 &+ UInt32(b) &* 7471 &+ 0x8000
    return UInt8(truncatingIfNeeded: sum >> 16)
  }
}
