/// Everything that can go wrong between a folder on disk and a batch, each naming the path
/// involved so that a user can find and fix the file.
public enum DataError: Error, Equatable, CustomStringConvertible, Sendable {
  case missingFolder(String)
  case noImages(String)
  case emptyClassFolder(String)
  case singleClass(folder: String, label: String)
  case unsplitFolder(String)
  case alreadySplit(String)
  case unreadableFile(String, reason: String)
  case emptyFile(String)
  case unsupportedFormat(String)
  case corruptImage(String, reason: String)
  case imageTooLarge(String, width: Int, height: Int, limit: Int)
  case imageExceedsMemory(String, width: Int, height: Int, bytes: Int, available: Int)
  case sizeMismatch(String, expected: String, found: String)
  case writeFailed(String, reason: String)
  case fetchFailed(dataset: String, reason: String, manual: String)
  case checksumMismatch(String, expected: String, actual: String)

  public var description: String {
    switch self {
    case .missingFolder(let p): return "no such folder: \(p)"
    case .noImages(let p): return "no images (.jpg, .jpeg, .png) found under \(p)"
    case .emptyClassFolder(let p): return "class folder \(p) holds no images"
    case .singleClass(let f, let l): return "only one class (\(l)) under \(f): a classifier needs at least two"
    case .unsplitFolder(let p):
      return "\(p) holds class folders but no train/ and valid/ (or val/): hold a share out for validation (descent: --valid-pct 0.2)"
    case .alreadySplit(let p): return "\(p) is already split into train/ and valid/ (or val/): a validation percentage would mix them"
    case .unreadableFile(let p, let r): return "cannot read \(p): \(r)"
    case .emptyFile(let p): return "\(p) is empty (zero bytes)"
    case .unsupportedFormat(let p): return "\(p) is neither a JPEG nor a PNG file"
    case .corruptImage(let p, let r): return "\(p) is corrupt or truncated: \(r)"
    case .imageTooLarge(let p, let w, let h, let limit):
      return "\(p) claims \(w) × \(h) = \(w * h) pixels, above the limit of \(limit) (a decompression bomb?); --max-pixels raises it"
    case .imageExceedsMemory(let p, let w, let h, let bytes, let available):
      return "\(p) is \(w) × \(h) pixels: decoding it needs about \(bytes >> 20) MiB, more than the \(available >> 20) MiB of memory free"
    case .sizeMismatch(let p, let e, let f):
      return "\(p) is \(f) but the batch holds \(e) images: add a Resize item transform"
    case .writeFailed(let p, let r): return "cannot write \(p): \(r)"
    case .fetchFailed(let d, let r, let m): return "could not fetch \(d): \(r)\n\(m)"
    case .checksumMismatch(let p, let e, let a): return "\(p) has SHA-256 \(a), expected \(e)"
    }
  }
}
