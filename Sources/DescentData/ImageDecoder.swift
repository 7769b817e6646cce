import Foundation
import DescentTensor
import Synchronization

/// Reads an image file into 8-bit pixels with the channel count the model wants, choosing the
/// codec by the file's first bytes (not its extension, which is often wrong in scraped data).
public enum ImageDecoder {
  /// Pillow's decompression-bomb error threshold, 2 × `Image.MAX_IMAGE_PIXELS` (89,478,485).
  public static let defaultMaxPixels = 2 * 89_478_485
  private static let limit = Atomic<Int>(defaultMaxPixels)

  /// Images whose header claims more pixels than this are refused before any pixel memory is
  /// allocated (a 68-byte PNG can claim 10¹² pixels): decoding gives `DataError.imageTooLarge`,
  /// which `--bad-files skip` skips like any unreadable image.
  public static var maxPixels: Int {
    get { limit.load(ordering: .relaxed) }
    set {
      precondition(newValue > 0, "maxPixels must be positive, not \(newValue)")
      limit.store(newValue, ordering: .relaxed)
    }
  }

  /// Throws `imageTooLarge` when a header's size is above `maxPixels`, and `imageExceedsMemory`
  /// when decoding it would need more memory than the machine has free (a `--max-pixels` raised
  /// past it would otherwise end the process in a failed allocation).
  static func checkSize(_ name: String, width: Int, height: Int) throws {
    let limit = maxPixels
    if width.multipliedReportingOverflow(by: height).partialValue > limit || width > limit || height > limit {
      throw DataError.imageTooLarge(name, width: width, height: height, limit: limit)
    }
    // The decoder's buffer at its widest (4 channels of 16 bits), and the 8-bit image made from it.
    let needed = width * height * 12
    if needed > 1 << 28, let free = MachineMemory.availableBytes(), needed > free {
      throw DataError.imageExceedsMemory(name, width: width, height: height, bytes: needed, available: free)
    }
  }

  public static func decode(file: URL, channels: Int = 3) throws -> Image8 {
    try decode(file: file, channels: channels, keepingGray: false)
  }

  /// As `decode(file:channels:)`, except that with `keepingGray` a one-channel image stays one
  /// channel where three are asked for: its three planes would be copies, so the loader computes
  /// one and copies it (the same values, a third of the work).
  static func decode(file: URL, channels: Int, keepingGray: Bool) throws -> Image8 {
    let bytes: [UInt8]
    do {
      bytes = try WholeFile.read(file.path)
    } catch .fileNotFound {
      throw DataError.unreadableFile(file.path, reason: "no such file")
    } catch .io(_, let operation, let message) {
      throw DataError.unreadableFile(file.path, reason: "\(operation): \(message)")
    } catch {
      throw DataError.unreadableFile(file.path, reason: "\(error)")
    }
    return try bytes.withUnsafeBytes { try decode($0, name: file.path, channels: channels, keepingGray: keepingGray) }
  }

  public static func decode(_ data: Data, name: String, channels: Int = 3) throws -> Image8 {
    try data.withUnsafeBytes { try decode($0, name: name, channels: channels) }
  }

  static func decode(_ bytes: UnsafeRawBufferPointer, name: String, channels: Int, keepingGray: Bool = false) throws -> Image8 {
    guard !bytes.isEmpty else { throw DataError.emptyFile(name) }
    let image = try { () throws -> Image8 in
      if bytes.starts(with: [0xFF, 0xD8]) { return try JPEGCodec.decode(bytes, name: name) }
      if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try PNGCodec.decode(bytes, name: name) }
      throw DataError.unsupportedFormat(name)
    }()
    return keepingGray && image.channels == 1 && channels == 3 ? image : image.converted(to: channels)
  }
}
