import Foundation

/// Reads an image file into 8-bit pixels with the channel count the model wants, choosing the
/// codec by the file's first bytes (not its extension, which is often wrong in scraped data).
public enum ImageDecoder {
  public static func decode(file: URL, channels: Int = 3) throws -> Image8 {
    let data: Data
    do {
      data = try Data(contentsOf: file)
    } catch {
      throw DataError.unreadableFile(file.path, reason: (error as NSError).localizedFailureReason ?? "\(error)")
    }
    return try decode(data, name: file.path, channels: channels)
  }

  public static func decode(_ data: Data, name: String, channels: Int = 3) throws -> Image8 {
    guard !data.isEmpty else { throw DataError.emptyFile(name) }
    let image = try data.withUnsafeBytes { bytes -> Image8 in
      if bytes.starts(with: [0xFF, 0xD8]) { return try JPEGCodec.decode(bytes, name: name) }
      if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try PNGCodec.decode(bytes, name: name) }
      throw DataError.unsupportedFormat(name)
    }
    return image.converted(to: channels)
  }
}
