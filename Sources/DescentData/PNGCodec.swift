import CPNG
import DescentTensor
import Foundation

/// PNG decoding and encoding through libpng's simplified API (`png_image_*`), which reports
/// errors in the `png_image` struct rather than by longjmp, so no C frame is unwound past Swift.
public enum PNGCodec {
  /// Decodes PNG bytes (any bit depth, palette or not) into an 8-bit gray, RGB or RGBA image in
  /// the file's own layout; gray with alpha comes back as RGBA so that alpha is kept, not blended.
  public static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws -> Image8 {
    // Pillow hands fastai a PNG's stored samples, whatever its gamma or colour-space chunks say;
    // libpng's simplified API would gamma-correct them (gAMA 1.0 moved the mean pixel by 13–60).
    if let plain = withoutColorSpaceChunks(bytes) {
      return try plain.withUnsafeBytes { try decodeStored($0, name: name) }
    }
    return try decodeStored(bytes, name: name)
  }

  /// The chunks that make libpng convert samples (gamma, chromaticities, sRGB intent, ICC
  /// profile); by the PNG specification they all come before the first IDAT.
  static let colorSpaceChunks: Set<String> = ["gAMA", "cHRM", "sRGB", "iCCP"]

  /// `bytes` without its colour-space chunks, or nil when it has none (or is not a PNG whose
  /// chunks can be walked: the decoder then reports it as it is).
  static func withoutColorSpaceChunks(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
    var offset = 8, dropped: [Range<Int>] = []
    while offset + 8 <= bytes.count {
      let length = (0..<4).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
      let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
      let end = offset + 12 + length
      guard length >= 0, end <= bytes.count, type != "IDAT" else { break }
      if colorSpaceChunks.contains(type) { dropped.append(offset..<end) }
      offset = end
    }
    guard !dropped.isEmpty else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var kept = 0
    for range in dropped {
      out.append(contentsOf: bytes[kept..<range.lowerBound])
      kept = range.upperBound
    }
    out.append(contentsOf: bytes[kept...])
    return out
  }

  private static func decodeStored(_ bytes: UnsafeRawBufferPointer, name: String) throws -> Image8 {
    var image = png_image()
    image.version = png_uint_32(PNG_IMAGE_VERSION)
    defer { png_image_free(&image) }
    guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else {
      throw DataError.corruptImage(name, reason: message(&image))
    }
    try ImageDecoder.checkSize(name, width: Int(image.width), height: Int(image.height))
    let alpha = image.format & PNG_FORMAT_FLAG_ALPHA != 0
    let color = image.format & PNG_FORMAT_FLAG_COLOR != 0
    let channels = alpha ? 4 : (color ? 3 : 1)
    let width = Int(image.width), height = Int(image.height)
    if image.format & PNG_FORMAT_FLAG_LINEAR != 0 {
      return try decode16(&image, name: name, width: width, height: height, channels: channels)
    }
    image.format = format(channels)
    var pixels = [UInt8](repeating: 0, count: width * height * channels)
    let ok = pixels.withUnsafeMutableBytes { out in
      png_image_finish_read(&image, nil, out.baseAddress, Int32(width * channels), nil)
    }
    guard ok != 0 else { throw DataError.corruptImage(name, reason: message(&image)) }
    return Image8(width: width, height: height, channels: channels, pixels: pixels)
  }

  /// A 16-bit PNG as Pillow hands it to fastai, not as libpng's 8-bit formats would give it
  /// (they take 16-bit samples for linear light and gamma-encode them, so gray 0x8080 became
  /// 186, not 128). Pillow keeps each colour or alpha sample's high byte, and opens 16-bit gray
  /// without alpha as its "I;16" mode, which `convert("RGB")` clips to 0…255 (0x0100 and up are
  /// white). The samples are read as libpng's 16-bit format, which for a file without gamma
  /// chunks is the file's own values — with colour premultiplied by alpha, undone here (exact
  /// where alpha is full; under a partial alpha the premultiplied 16 bits lose precision, so a
  /// colour near a high-byte boundary can come out one step off Pillow's).
  private static func decode16(
    _ image: inout png_image, name: String, width: Int, height: Int, channels: Int
  ) throws -> Image8 {
    image.format = format(channels) | PNG_FORMAT_FLAG_LINEAR
    var samples = [UInt16](repeating: 0, count: width * height * channels)
    let ok = samples.withUnsafeMutableBytes { out in
      png_image_finish_read(&image, nil, out.baseAddress, Int32(width * channels), nil)
    }
    guard ok != 0 else { throw DataError.corruptImage(name, reason: message(&image)) }
    var pixels = [UInt8](repeating: 0, count: samples.count)
    for p in 0..<(width * height) {
      let base = p * channels
      if channels == 1 {
        pixels[base] = UInt8(min(samples[base], 255))  // Pillow's "I;16" → "L"/"RGB" clips
        continue
      }
      let hasAlpha = channels == 4
      let a = hasAlpha ? UInt32(samples[base + 3]) : 65535
      for c in 0..<(hasAlpha ? 3 : channels) {
        let premultiplied = UInt32(samples[base + c])
        let v = a == 0 ? 0 : min(65535, (premultiplied * 65535 + a / 2) / a)
        pixels[base + c] = UInt8(v >> 8)
      }
      if hasAlpha { pixels[base + 3] = UInt8(a >> 8) }
    }
    return Image8(width: width, height: height, channels: channels, pixels: pixels)
  }

  /// Encodes an 8-bit gray, RGB or RGBA image as PNG bytes.
  public static func encode(_ image: Image8) throws -> [UInt8] {
    var png = png_image()
    png.version = png_uint_32(PNG_IMAGE_VERSION)
    png.width = png_uint_32(image.width)
    png.height = png_uint_32(image.height)
    png.format = format(image.channels)
    let stride = Int32(image.width * image.channels)
    var size = 0
    // First call measures, second writes (libpng's documented two-step use).
    let measured = image.pixels.withUnsafeBytes { src in
      png_image_write_to_memory(&png, nil, &size, 0, src.baseAddress, stride, nil)
    }
    guard measured != 0 else { throw DataError.writeFailed("<png>", reason: message(&png)) }
    var out = [UInt8](repeating: 0, count: size)
    let written = image.pixels.withUnsafeBytes { src in
      out.withUnsafeMutableBytes { dst in
        png_image_write_to_memory(&png, dst.baseAddress, &size, 0, src.baseAddress, stride, nil)
      }
    }
    guard written != 0 else { throw DataError.writeFailed("<png>", reason: message(&png)) }
    return Array(out.prefix(size))
  }

  /// libpng's 8-bit format flags for 1, 3 or 4 channels (PNG_FORMAT_RGBA is a compound macro
  /// Swift does not import).
  private static func format(_ channels: Int) -> png_uint_32 {
    channels == 4 ? PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA : (channels == 3 ? PNG_FORMAT_FLAG_COLOR : 0)
  }

  private static func message(_ image: inout png_image) -> String {
    withUnsafeBytes(of: &image.message) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
  }
}

/// Writes PNG files: the Learner's plots and `descent data show` use this.
public enum PNGImage {
  /// Writes `pixels` (height × width × channels bytes, channels 1, 3 or 4, row-major) to `path`
  /// atomically: a temporary file beside it, then a rename, so a reader never sees half a file.
  public static func write(_ pixels: [UInt8], width: Int, height: Int, channels: Int = 3, to path: URL) throws {
    try write(Image8(width: width, height: height, channels: channels, pixels: pixels), to: path)
  }

  public static func write(_ image: Image8, to path: URL) throws {
    let bytes = try PNGCodec.encode(image)
    do {
      try AtomicFile.write(bytes, to: path.path)
    } catch {
      // The error names the path already; the reason is what follows it.
      let text = "\(error)"
      throw DataError.writeFailed(path.path, reason: text.hasPrefix(path.path + ": ") ? String(text.dropFirst(path.path.count + 2)) : text)
    }
  }
}
