@testable import DescentData
import Foundation
import Testing

/// A PNG's gAMA chunk does not change its pixels: Pillow, through which fastai reads images,
/// keeps the stored samples (values from Reference/png_gamma_reference.py, Pillow 13), where
/// libpng's simplified API gamma-corrected them (by 13–60 of 255 on average).
struct PNGGammaTests {
  static let samples = [0, 16, 64, 100, 128, 180, 230, 255]

  static let pillow: [String: [UInt8]] = [
    "8-100000": [0, 255, 0, 16, 239, 8, 64, 191, 32, 100, 155, 50, 128, 127, 64, 180, 75, 90, 230, 25, 115, 255, 0, 127],
    "8-80000": [0, 255, 0, 16, 239, 8, 64, 191, 32, 100, 155, 50, 128, 127, 64, 180, 75, 90, 230, 25, 115, 255, 0, 127],
    "16-100000": [0, 255, 0, 16, 239, 8, 64, 191, 32, 100, 155, 50, 128, 127, 64, 180, 75, 90, 230, 25, 115, 255, 0, 127],
    "16-80000": [0, 255, 0, 16, 239, 8, 64, 191, 32, 100, 155, 50, 128, 127, 64, 180, 75, 90, 230, 25, 115, 255, 0, 127],
  ]

  /// The script's file: one row of RGB pixels (v, 255 − v, v / 2) at `depth` bits, with gAMA.
  static func png(depth: Int, gamma: UInt32) -> Data {
    func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
    func chunk(_ kind: String, _ body: [UInt8]) -> [UInt8] {
      let typed = Array(kind.utf8) + body
      return be(UInt32(body.count)) + typed + be(DecompressionBombTests.crc32(typed))
    }
    let scale = depth == 8 ? 1 : 257
    let values = samples.flatMap { [$0 * scale, (255 - $0) * scale, $0 / 2 * scale] }
    let row = [UInt8(0)] + values.flatMap { depth == 8 ? [UInt8($0)] : [UInt8($0 >> 8), UInt8($0 & 255)] }
    // zlib with one stored (uncompressed) deflate block, then the Adler-32 of the data.
    var (a, b): (UInt32, UInt32) = (1, 0)
    for byte in row { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
    let n = UInt16(row.count)
    let zlib = [0x78, 0x01, 0x01, UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8(~n >> 8)] + row + be(b << 16 | a)
    let ihdr = be(UInt32(samples.count)) + be(1) + [UInt8(depth), 2, 0, 0, 0]
    return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("gAMA", be(gamma))
                + chunk("IDAT", zlib) + chunk("IEND", []))
  }

  @Test(arguments: [(8, 100_000), (8, 80_000), (16, 100_000), (16, 80_000)] as [(Int, UInt32)])
  func gammaLeavesTheStoredSamples(depth: Int, gamma: UInt32) throws {
    let image = try ImageDecoder.decode(Self.png(depth: depth, gamma: gamma), name: "gamma.png", channels: 3)
    #expect(image.pixels == Self.pillow["\(depth)-\(gamma)"])
  }

  /// Only the colour-space chunks before IDAT are dropped, and a file without them is decoded
  /// from its own bytes.
  @Test func theChunksDroppedAreTheColorSpaces() throws {
    let bytes = [UInt8](Self.png(depth: 8, gamma: 100_000))
    let plain = try #require(bytes.withUnsafeBytes { PNGCodec.withoutColorSpaceChunks($0) })
    #expect(plain.count == bytes.count - 16)  // gAMA: 4 length + 4 type + 4 value + 4 CRC
    #expect(plain.withUnsafeBytes { PNGCodec.withoutColorSpaceChunks($0) } == nil)
  }
}
