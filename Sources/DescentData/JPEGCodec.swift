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
    let gray = colorspace == Int32(TJCS_GRAY.rawValue)
    let channels = gray ? 1 : 3
    var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
    let status = pixels.withUnsafeMutableBufferPointer { out in
      tjDecompress2(handle, base, UInt(bytes.count), out.baseAddress, width, 0, height,
                    Int32(gray ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue), 0)
    }
    if status != 0 {
      // Warnings (extraneous bytes, a bad restart marker) still give a full image and are
      // common in real datasets; a truncated file is a warning too but leaves the bottom gray.
      let text = message(handle)
      if tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue) || text.contains("Premature end") {
        throw DataError.corruptImage(name, reason: text)
      }
    }
    return Image8(width: Int(width), height: Int(height), channels: channels, pixels: pixels)
  }

  /// Encodes a gray or RGB image (an RGBA one loses its alpha) at `quality` 1…100, 4:2:0
  /// chroma subsampling for colour as most cameras and datasets do.
  public static func encode(_ image: Image8, quality: Int = 90) throws -> [UInt8] {
    let source = image.channels == 4 ? image.converted(to: 3) : image
    guard let handle = tjInitCompress() else { throw DataError.writeFailed("<jpeg>", reason: "TurboJPEG did not start") }
    defer { tjDestroy(handle) }
    var buffer: UnsafeMutablePointer<UInt8>? = nil
    var size: UInt = 0
    let gray = source.channels == 1
    let status = source.pixels.withUnsafeBufferPointer { src in
      tjCompress2(handle, src.baseAddress, Int32(source.width), 0, Int32(source.height),
                  Int32(gray ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue), &buffer, &size,
                  Int32(gray ? TJSAMP_GRAY.rawValue : TJSAMP_420.rawValue), Int32(quality), 0)
    }
    defer { if let buffer { tjFree(buffer) } }
    guard status == 0, let buffer else { throw DataError.writeFailed("<jpeg>", reason: message(handle)) }
    return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
  }

  private static func message(_ handle: tjhandle) -> String {
    String(cString: tjGetErrorStr2(handle))
  }
}
