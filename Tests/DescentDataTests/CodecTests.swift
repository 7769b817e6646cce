@testable import DescentData
import Foundation
import Testing

/// Decoding PNG and JPEG files written by our own encoders, in every channel layout, and the
/// errors for bad files.
struct CodecTests {
  func gradient(channels: Int, width: Int = 9, height: Int = 7) -> Image8 {
    var p = [UInt8](repeating: 0, count: width * height * channels)
    for i in 0..<p.count { p[i] = UInt8((i * 37 + i / channels * 11) % 256) }
    return Image8(width: width, height: height, channels: channels, pixels: p)
  }

  @Test(arguments: [1, 3, 4])
  func pngRoundTripIsExact(channels: Int) throws {
    let dir = try TestImages.folder()
    let file = dir.appendingPathComponent("x.png")
    let image = gradient(channels: channels)
    try PNGImage.write(image.pixels, width: image.width, height: image.height, channels: channels, to: file)
    let back = try ImageDecoder.decode(file: file, channels: channels)
    #expect(back == image)
    // Converted on the way in: gray replicated, alpha dropped, RGB to PIL's luma.
    let rgb = try ImageDecoder.decode(file: file, channels: 3)
    #expect(rgb == image.converted(to: 3))
    let gray = try ImageDecoder.decode(file: file, channels: 1)
    #expect(gray.channels == 1 && gray.pixels.count == 63)
  }

  @Test(arguments: [1, 3, 4])
  func jpegDecodesCloseToTheSource(channels: Int) throws {
    // Quality-100 JPEG stays within a few levels; 4:2:0 chroma on this tiny, strongly coloured
    // image costs up to ~15 in single channels.
    let image = TestImages.smooth().converted(to: channels)
    let bytes = try JPEGCodec.encode(image, quality: 100)
    let back = try ImageDecoder.decode(Data(bytes), name: "x.jpg", channels: channels)
    #expect(back.channels == channels && back.width == 16 && back.height == 12)
    let worst = zip(back.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.max()!
    #expect(worst <= 20, "largest difference \(worst)")
    if channels == 4 { #expect(back.pixels[3] == 255) }
  }

  @Test func grayJPEGStaysGray() throws {
    let bytes = try JPEGCodec.encode(TestImages.smooth().converted(to: 1))
    let back = try ImageDecoder.decode(Data(bytes), name: "g.jpg", channels: 3)
    #expect(back.pixels[0] == back.pixels[1] && back.pixels[1] == back.pixels[2])
  }

  @Test func badFilesNameTheFile() throws {
    let dir = try TestImages.folder()
    let png = try PNGCodec.encode(TestImages.smooth())
    let jpg = try JPEGCodec.encode(TestImages.smooth())
    let cases: [(String, [UInt8])] = [
      ("empty.png", []), ("text.jpg", Array("hello".utf8)),
      ("truncated.png", Array(png.prefix(png.count / 2))), ("truncated.jpg", Array(jpg.prefix(jpg.count / 2))),
      ("corrupt.jpg", Array(jpg.prefix(4)) + [UInt8](repeating: 7, count: 200)),
      ("corrupt.png", Array(png.prefix(8)) + [UInt8](repeating: 7, count: 200)),
    ]
    for (name, bytes) in cases {
      let file = dir.appendingPathComponent(name)
      try Data(bytes).write(to: file)
      do {
        _ = try ImageDecoder.decode(file: file)
        Issue.record("\(name) decoded without an error")
      } catch let error as DataError {
        #expect(error.description.contains(file.path), "\(name): \(error)")
      }
    }
    #expect(throws: DataError.emptyFile(dir.appendingPathComponent("empty.png").path)) {
      try ImageDecoder.decode(file: dir.appendingPathComponent("empty.png"))
    }
    #expect(throws: DataError.self) { try ImageDecoder.decode(file: dir.appendingPathComponent("missing.png")) }
  }
}

/// CMYK (YCCK) JPEGs, stored inverted as photo tools do, come back as RGB.
struct CMYKTests {
  @Test func cmykJPEGDecodesToRGB() throws {
    let rgb = TestImages.smooth()
    // Inverted CMYK with full stored black: C = R, M = G, Y = B, K = 255.
    var cmyk = [UInt8]()
    for i in 0..<(rgb.width * rgb.height) { cmyk += [rgb.pixels[i * 3], rgb.pixels[i * 3 + 1], rgb.pixels[i * 3 + 2], 255] }
    let bytes = try JPEGCodec.encodeCMYK(cmyk, width: rgb.width, height: rgb.height)
    let back = try ImageDecoder.decode(Data(bytes), name: "cmyk.jpg", channels: 3)
    #expect(back.channels == 3 && back.width == rgb.width)
    let worst = zip(back.pixels, rgb.pixels).map { abs(Int($0) - Int($1)) }.max()!
    #expect(worst <= 6, "largest difference \(worst)")
  }
}
