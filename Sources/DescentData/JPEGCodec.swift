import CTurboJPEG

/// JPEG decoding and encoding through libjpeg-turbo's TurboJPEG API.
public enum JPEGCodec {
  /// Decodes JPEG bytes into a gray (for grayscale JPEGs) or RGB image. `name` is the file named
  /// in errors.
  public static func decode(_ bytes: UnsafeRawBufferPointer, name: String) throws -> Image8 {
    guard let handle = tjInitDecompress() else { throw DataError.corruptImage(name, reason: "TurboJPEG did not start") }
    defer { tjDestroy(handle) }
    let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
    var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
    // A header cut short can "succeed" with a warning and a 0 × 0 size.
    guard tjDecompressHeader3(handle, base, UInt(bytes.count), &width, &height, &subsampling, &colorspace) == 0,
          width > 0, height > 0 else {
      throw DataError.corruptImage(name, reason: message(handle))
    }
    try ImageDecoder.checkSize(name, width: Int(width), height: Int(height))
    let gray = colorspace == Int32(TJCS_GRAY.rawValue)
    // CMYK and YCCK JPEGs (a few in ImageNet) decode only to CMYK; converted to RGB below.
    let cmyk = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
    let channels = gray ? 1 : (cmyk ? 4 : 3)
    let format = gray ? TJPF_GRAY : (cmyk ? TJPF_CMYK : TJPF_RGB)
    var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
    let status = pixels.withUnsafeMutableBufferPointer { out in
      tjDecompress2(handle, base, UInt(bytes.count), out.baseAddress, width, 0, height, Int32(format.rawValue), 0)
    }
    if status != 0 {
      // Warnings (extraneous bytes, a bad restart marker) still give a full image and are
      // common in real datasets; a truncated file is a warning too but leaves the bottom gray.
      let text = message(handle)
      if tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue) || text.contains("Premature end") {
        throw DataError.corruptImage(name, reason: text)
      }
    }
    if cmyk { return rgb(fromInvertedCMYK: pixels, width: Int(width), height: Int(height)) }
    return Image8(width: Int(width), height: Int(height), channels: channels, pixels: pixels)
  }

  /// Photo JPEGs store CMYK inverted (Adobe's convention, which Pillow also assumes), so each
  /// colour is the product of its stored ink value and the stored black: R = C·K / 255.
  static func rgb(fromInvertedCMYK cmyk: [UInt8], width: Int, height: Int) -> Image8 {
    var rgb = [UInt8](repeating: 0, count: width * height * 3)
    cmyk.withUnsafeBufferPointer { src in
      rgb.withUnsafeMutableBufferPointer { dst in
        for i in 0..<(width * height) {
          let k = UInt32(src[i * 4 + 3])
          for c in 0..<3 { dst[i * 3 + c] = UInt8((UInt32(src[i * 4 + c]) * k + 127) / 255) }
        }
      }
    }
    return Image8(width: width, height: height, channels: 3, pixels: rgb)
  }

  /// Encodes packed CMYK bytes as a YCCK JPEG (for tests of the CMYK path).
  static func encodeCMYK(_ cmyk: [UInt8], width: Int, height: Int) throws -> [UInt8] {
    try compress(cmyk, width: width, height: height, format: TJPF_CMYK, subsampling: TJSAMP_444, quality: 100)
  }

  /// Encodes a gray or RGB image (an RGBA one loses its alpha) at `quality` 1…100, 4:2:0
  /// chroma subsampling for colour as most cameras and datasets do.
  public static func encode(_ image: Image8, quality: Int = 90) throws -> [UInt8] {
    let source = image.channels == 4 ? image.converted(to: 3) : image
    let gray = source.channels == 1
    return try compress(source.pixels, width: source.width, height: source.height, format: gray ? TJPF_GRAY : TJPF_RGB,
                        subsampling: gray ? TJSAMP_GRAY : TJSAMP_420, quality: quality)
  }

  private static func compress(_ pixels: [UInt8], width: Int, height: Int, format: TJPF, subsampling: TJSAMP,
                               quality: Int) throws -> [UInt8] {
    guard let handle = tjInitCompress() else { throw DataError.writeFailed("<jpeg>", reason: "TurboJPEG did not start") }
    defer { tjDestroy(handle) }
    var buffer: UnsafeMutablePointer<UInt8>? = nil
    var size: UInt = 0
    let status = pixels.withUnsafeBufferPointer { src in
      tjCompress2(handle, src.baseAddress, Int32(width), 0, Int32(height), Int32(format.rawValue), &buffer, &size,
                  Int32(subsampling.rawValue), Int32(quality), 0)
    }
    defer { if let buffer { tjFree(buffer) } }
    guard status == 0, let buffer else { throw DataError.writeFailed("<jpeg>", reason: message(handle)) }
    return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
  }

  private static func message(_ handle: tjhandle) -> String {
    String(cString: tjGetErrorStr2(handle))
  }
}
