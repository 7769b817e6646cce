@testable import DescentData
import Foundation
import Testing

/// A header that claims more pixels than `ImageDecoder.maxPixels` is refused before any pixel
/// memory is allocated (a 1,000,000² PNG would need 4 TB).
@Suite(.serialized) struct DecompressionBombTests {
  /// A PNG of only a signature, an IHDR chunk claiming `width` × `height` RGB, an empty zlib
  /// stream as its image data, and IEND: 65 bytes.
  static func pngHeader(width: UInt32, height: UInt32) -> Data {
    func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
      let typed = Array(type.utf8) + body
      return bigEndian(UInt32(body.count)) + typed + bigEndian(crc32(typed))
    }
    let ihdr = bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]  // 8-bit RGB
    return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr)
                + chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", []))
  }

  static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }

  /// PNG's CRC-32 (polynomial 0xEDB88320), which libpng checks on the header chunk.
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in bytes {
      crc ^= UInt32(b)
      for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }

  /// A real 16 × 12 JPEG whose SOF0 header is patched to claim `width` × `height`.
  static func jpegHeader(width: UInt16, height: UInt16) throws -> Data {
    var bytes = try JPEGCodec.encode(TestImages.smooth(), quality: 90)
    let sof = bytes.indices.first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }!
    bytes[sof + 5] = UInt8(height >> 8); bytes[sof + 6] = UInt8(height & 255)
    bytes[sof + 7] = UInt8(width >> 8); bytes[sof + 8] = UInt8(width & 255)
    return Data(bytes)
  }

  @Test func pngClaimingATrillionPixelsIsRefused() throws {
    #expect(Self.pngHeader(width: 1_000_000, height: 1_000_000).count == 65)
    #expect(throws: DataError.imageTooLarge("bomb.png", width: 1_000_000, height: 1_000_000, limit: 178_956_970)) {
      try ImageDecoder.decode(Self.pngHeader(width: 1_000_000, height: 1_000_000), name: "bomb.png")
    }
  }

  /// With `--max-pixels` raised past the memory, a header whose image cannot fit is refused in
  /// one error before the decoder allocates (it used to end the process: "failed to allocate").
  @Test func anImageThatCannotFitInMemoryIsRefused() throws {
    let free = try #require(MachineMemory.availableBytes())
    ImageDecoder.maxPixels = 1 << 50
    defer { ImageDecoder.maxPixels = ImageDecoder.defaultMaxPixels }
    // 1,000,000² pixels: 12 TB at 12 bytes a pixel, far beyond any machine this runs on.
    let error = #expect(throws: DataError.self) {
      try ImageDecoder.decode(Self.pngHeader(width: 1_000_000, height: 1_000_000), name: "huge.png")
    }
    guard case .imageExceedsMemory("huge.png", 1_000_000, 1_000_000, let bytes, let available) = error else {
      Issue.record("not imageExceedsMemory: \(String(describing: error))")
      return
    }
    #expect(bytes == 12_000_000_000_000 && available > 0 && available <= 2 * free)
    #expect(error?.description.hasPrefix("huge.png is 1000000 × 1000000 pixels: decoding it needs about 11444091 MiB") == true)
  }

  @Test func jpegClaimingFourBillionPixelsIsRefused() throws {
    #expect(throws: DataError.imageTooLarge("bomb.jpg", width: 65_500, height: 65_500, limit: 178_956_970)) {
      try ImageDecoder.decode(Self.jpegHeader(width: 65_500, height: 65_500), name: "bomb.jpg")
    }
  }

  @Test func theLimitCanBeRaisedOrLowered() throws {
    defer { ImageDecoder.maxPixels = ImageDecoder.defaultMaxPixels }
    let jpeg = try JPEGCodec.encode(TestImages.smooth(), quality: 90)  // 16 × 12 = 192 pixels
    ImageDecoder.maxPixels = 191
    #expect(throws: DataError.imageTooLarge("small.jpg", width: 16, height: 12, limit: 191)) {
      try ImageDecoder.decode(Data(jpeg), name: "small.jpg")
    }
    ImageDecoder.maxPixels = 192
    #expect(try ImageDecoder.decode(Data(jpeg), name: "small.jpg").width == 16)
    #expect(DataError.imageTooLarge("a.png", width: 3, height: 4, limit: 5).description
            == "a.png claims 3 × 4 = 12 pixels, above the limit of 5 (a decompression bomb?); --max-pixels raises it")
  }
}
