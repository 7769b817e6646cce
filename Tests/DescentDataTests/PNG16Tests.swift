@testable import DescentData
import Foundation
import Testing

/// 16-bit PNGs decode to what fastai sees through Pillow (values from Reference/png16_reference.py:
/// each sample's high byte, 16-bit gray clipped to 0…255, alpha dropped without blending) —
/// exactly, except colour under a partial alpha (see the test).
struct PNG16Tests {
  static let samples: [UInt16] = [0x0000, 0x00FF, 0x0100, 0x7F7F, 0x8080, 0x80FF, 0xFEFF, 0xFFFF]

  static let pillow: [String: [UInt8]] = [
    "gray": [0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255],
    "rgb": [0, 255, 0, 0, 255, 0, 1, 254, 0, 127, 128, 63, 128, 127, 64, 128, 127, 64, 254, 1, 127, 255, 0, 127],
    "grayAlpha": [0, 0, 0, 0, 0, 0, 1, 1, 1, 127, 127, 127, 128, 128, 128, 128, 128, 128, 254, 254, 254, 255, 255, 255],
    "rgba": [0, 255, 0, 0, 255, 0, 1, 254, 0, 127, 128, 63, 128, 127, 64, 128, 127, 64, 254, 1, 127, 255, 0, 127],
  ]

  /// The script's files: one row of the samples, 16 bits, in each colour type.
  static func png(_ name: String) -> Data {
    let (colorType, pixel): (UInt8, (UInt16) -> [UInt16]) =
      switch name {
      case "gray": (0, { [$0] })
      case "rgb": (2, { [$0, 0xFFFF - $0, $0 / 2] })
      case "grayAlpha": (4, { [$0, 0xFFFF] })
      default: (6, { [$0, 0xFFFF - $0, $0 / 2, 0x8000] })
      }
    let row = [UInt8(0)] + samples.flatMap(pixel).flatMap { [UInt8($0 >> 8), UInt8($0 & 255)] }
    func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
    func chunk(_ kind: String, _ body: [UInt8]) -> [UInt8] {
      let typed = Array(kind.utf8) + body
      return be(UInt32(body.count)) + typed + be(DecompressionBombTests.crc32(typed))
    }
    // zlib with one stored (uncompressed) deflate block, then the Adler-32 of the data.
    var (a, b): (UInt32, UInt32) = (1, 0)
    for byte in row { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
    let n = UInt16(row.count)
    let zlib = [0x78, 0x01, 0x01, UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8(~n >> 8)] + row + be(b << 16 | a)
    let ihdr = be(UInt32(samples.count)) + be(1) + [16, colorType, 0, 0, 0]
    return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", zlib) + chunk("IEND", []))
  }

  @Test(arguments: ["gray", "rgb", "grayAlpha", "rgba"])
  func decodesAsPillowDoesForFastai(name: String) throws {
    let image = try ImageDecoder.decode(Self.png(name), name: "\(name).png", channels: 3)
    #expect(image.width == 8 && image.height == 1)
    if name == "rgba" {
      // libpng's simplified API returns 16-bit colour premultiplied by alpha; at alpha one half
      // that loses a bit, so undoing it can land one step off near a high-byte boundary.
      let worst = zip(image.pixels, Self.pillow[name]!).map { abs(Int($0) - Int($1)) }.max()!
      #expect(worst <= 1, "largest difference \(worst)")
    } else {
      #expect(image.pixels == Self.pillow[name])
    }
  }
}
