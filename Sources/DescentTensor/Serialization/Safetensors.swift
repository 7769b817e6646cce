// Reading and writing safetensors files (https://github.com/huggingface/safetensors).
//
// Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the data buffer.
// The JSON maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets into
// the data buffer) and may hold "__metadata__", an object of strings.
//
// Encoding writes the bytes that Python's `safetensors.torch.save_file` writes for the same
// tensors: "__metadata__" first, tensors laid out by dtype (in the reference's dtype order,
// widest first) then by name, compact JSON, the header padded with spaces to a multiple of 8
// bytes. The one freedom the reference leaves is the order of metadata keys (it writes them from a
// hash map, in no fixed order); Descent sorts them. It writes no "__metadata__" when there is none.
//
// Decoding is strict where the reference is (the tensors must cover the data buffer exactly, in
// offset order and without gaps or overlaps; sizes must match shapes) and stricter in two places:
// a repeated tensor name is an error, and only the dtypes `SafetensorsDType` lists are accepted.
// Like the reference it accepts tensors listed in any order, extra keys in a tensor's entry, and
// a null "__metadata__".

public enum Safetensors {
  /// The name reserved for the metadata object in the header.
  public static let metadataKey = "__metadata__"

  /// The bytes of a safetensors file holding `file`'s entries and metadata.
  public static func encode(_ file: SafetensorsFile) throws(SafetensorsError) -> [UInt8] {
    try encode(file, label: "(in memory)")
  }

  /// Parses and checks a whole safetensors file; `file` names it in errors.
  public static func decode(_ bytes: [UInt8], file: String = "(in memory)") throws(SafetensorsError)
    -> SafetensorsFile
  {
    try Decoder(bytes: bytes, file: file).decode()
  }

  /// The largest header read, as the reference library (`safetensors`' MAX_HEADER_SIZE):
  /// a larger one is refused before the file is read.
  public static let maxHeaderBytes: UInt64 = 100_000_000

  /// Reads and decodes the safetensors file at `path`.
  public static func read(path: String) throws(SafetensorsError) -> SafetensorsFile {
    let head = try FileIO.readAll(path: path, limit: 8)
    if head.count == 8 {
      let n = head.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
      if n > maxHeaderBytes { throw .headerTooLarge(file: path, headerLength: n, limit: maxHeaderBytes) }
    }
    return try decode(try FileIO.readAll(path: path), file: path)
  }

  /// Writes `file` to `path` atomically: the bytes go to a temporary file in the same folder, which
  /// is flushed to disk and then renamed over `path`. On failure `path` is left as it was and the
  /// temporary file is removed.
  public static func write(_ file: SafetensorsFile, to path: String) throws(SafetensorsError) {
    try FileIO.writeAtomically(try encode(file, label: path), to: path)
  }

  // MARK: - Encoding

  static func encode(_ file: SafetensorsFile, label: String) throws(SafetensorsError) -> [UInt8] {
    var previous: String?
    for e in file.entries {  // sorted by name, so duplicates are adjacent
      if e.name == previous { throw .duplicateName(file: label, tensor: e.name) }
      if e.name == metadataKey { throw .reservedName(file: label, tensor: e.name) }
      if let bad = e.shape.first(where: { $0 < 0 }) {
        throw .invalidShape(file: label, tensor: e.name, reason: "dimension \(bad) is negative")
      }
      let expected = SafetensorsEntry.byteCount(shape: e.shape, dtype: e.dtype)
      if expected != e.bytes.count {
        throw .byteCountMismatch(
          file: label, tensor: e.name, expected: expected, actual: e.bytes.count)
      }
      previous = e.name
    }
    let layout = file.entries.sorted { a, b in
      a.dtype.layoutRank != b.dtype.layoutRank
        ? a.dtype.layoutRank > b.dtype.layoutRank : utf8Less(a.name, b.name)
    }

    var json = JSONWriter()
    json.raw("{")
    var first = true
    if !file.metadata.isEmpty {
      json.string(metadataKey)
      json.raw(":{")
      for (i, key) in file.metadata.keys.sorted(by: utf8Less).enumerated() {
        if i > 0 { json.raw(",") }
        json.string(key)
        json.raw(":")
        json.string(file.metadata[key]!)
      }
      json.raw("}")
      first = false
    }
    var offset = 0
    for e in layout {
      if !first { json.raw(",") }
      first = false
      json.string(e.name)
      json.raw(":{\"dtype\":")
      json.string(e.dtype.rawValue)
      json.raw(",\"shape\":[")
      for (i, d) in e.shape.enumerated() {
        if i > 0 { json.raw(",") }
        json.integer(d)
      }
      json.raw("],\"data_offsets\":[")
      json.integer(offset)
      json.raw(",")
      offset += e.bytes.count
      json.integer(offset)
      json.raw("]}")
    }
    json.raw("}")
    var header = json.bytes
    header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

    var out: [UInt8] = []
    out.reserveCapacity(8 + header.count + offset)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(contentsOf: header)
    for e in layout { out.append(contentsOf: e.bytes) }
    return out
  }

  // MARK: - Decoding

  private struct TensorInfo {
    var name: String
    var dtype: SafetensorsDType
    var shape: [Int]
    var begin: Int
    var end: Int
  }

  private struct Decoder {
    let bytes: [UInt8]
    let file: String

    func decode() throws(SafetensorsError) -> SafetensorsFile {
      guard bytes.count >= 8 else { throw .fileTooShort(file: file, size: bytes.count) }
      let n = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
      let available = bytes.count - 8
      guard n <= Safetensors.maxHeaderBytes else {
        throw .headerTooLarge(file: file, headerLength: n, limit: Safetensors.maxHeaderBytes)
      }
      guard n <= UInt64(available) else {
        throw .headerLengthOutOfRange(file: file, headerLength: n, available: available)
      }
      let headerEnd = 8 + Int(n)
      let headerBytes = Array(bytes[8..<headerEnd])
      guard String(validating: headerBytes, as: UTF8.self) != nil else {
        throw .invalidHeader(file: file, reason: "not valid UTF-8")
      }
      let root: JSONValue
      do {
        root = try JSONParser.parse(headerBytes)
      } catch {
        throw .invalidHeader(
          file: file, reason: "invalid JSON at byte \(error.offset) of the header: \(error.message)"
        )
      }
      guard case .object(let members) = root else {
        throw .invalidHeader(
          file: file, reason: "the header is \(root.kindName), not a JSON object")
      }

      var metadata: [String: String] = [:]
      var sawMetadata = false
      var infos: [TensorInfo] = []
      var seen = Set<String>()
      for (key, value) in members {
        if key == Safetensors.metadataKey {
          if sawMetadata { throw .duplicateName(file: file, tensor: key) }
          sawMetadata = true
          metadata = try parseMetadata(value)
        } else {
          if !seen.insert(key).inserted { throw .duplicateName(file: file, tensor: key) }
          infos.append(try parseEntry(name: key, value))
        }
      }

      // The tensors must tile the data buffer: in offset order, each starts where the last ended.
      let bufferSize = bytes.count - headerEnd
      infos.sort { a, b in
        (a.begin, a.end) != (b.begin, b.end)
          ? (a.begin, a.end) < (b.begin, b.end) : utf8Less(a.name, b.name)
      }
      var cursor = 0
      var previous: String?
      for t in infos {
        if t.end > bufferSize {
          throw .offsetPastEnd(file: file, tensor: t.name, end: t.end, bufferSize: bufferSize)
        }
        if t.begin < cursor {
          throw .overlappingTensors(file: file, tensor: t.name, previous: previous ?? "")
        }
        if t.begin > cursor {
          throw .gapBeforeTensor(file: file, tensor: t.name, gapStart: cursor, gapEnd: t.begin)
        }
        guard let expected = SafetensorsEntry.byteCount(shape: t.shape, dtype: t.dtype) else {
          throw .invalidShape(
            file: file, tensor: t.name, reason: "\(t.shape) has too many elements")
        }
        if expected != t.end - t.begin {
          throw .byteCountMismatch(
            file: file, tensor: t.name, expected: expected, actual: t.end - t.begin)
        }
        cursor = t.end
        previous = t.name
      }
      if cursor != bufferSize {
        throw .trailingBytes(file: file, covered: cursor, bufferSize: bufferSize)
      }

      let entries = infos.map { t in
        SafetensorsEntry(
          name: t.name, dtype: t.dtype, shape: t.shape,
          bytes: Array(bytes[(headerEnd + t.begin)..<(headerEnd + t.end)]))
      }
      return SafetensorsFile(entries: entries, metadata: metadata)
    }

    private func parseMetadata(_ value: JSONValue) throws(SafetensorsError) -> [String: String] {
      var metadata: [String: String] = [:]
      switch value {
      case .null:
        return metadata
      case .object(let members):
        for (key, v) in members {
          guard case .string(let s) = v else {
            throw .invalidMetadata(
              file: file, key: key, reason: "value is \(v.kindName), not a string")
          }
          if metadata.updateValue(s, forKey: key) != nil {
            throw .invalidMetadata(file: file, key: key, reason: "key appears more than once")
          }
        }
        return metadata
      default:
        throw .invalidMetadata(file: file, key: nil, reason: "is \(value.kindName), not an object")
      }
    }

    private func parseEntry(name: String, _ value: JSONValue) throws(SafetensorsError) -> TensorInfo
    {
      guard case .object(let members) = value else {
        throw .invalidEntry(file: file, tensor: name, reason: "is \(value.kindName), not an object")
      }
      var fields: [String: JSONValue] = [:]
      for (key, v) in members where key == "dtype" || key == "shape" || key == "data_offsets" {
        if fields.updateValue(v, forKey: key) != nil {
          throw .invalidEntry(
            file: file, tensor: name, reason: "key '\(key)' appears more than once")
        }
      }
      for key in ["dtype", "shape", "data_offsets"] where fields[key] == nil {
        throw .invalidEntry(file: file, tensor: name, reason: "missing key '\(key)'")
      }

      guard case .string(let dtypeName) = fields["dtype"]! else {
        throw .invalidEntry(
          file: file, tensor: name, reason: "'dtype' is \(fields["dtype"]!.kindName), not a string")
      }
      guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
        throw .unknownDType(file: file, tensor: name, dtype: dtypeName)
      }

      guard case .array(let dims) = fields["shape"]! else {
        throw .invalidEntry(
          file: file, tensor: name, reason: "'shape' is \(fields["shape"]!.kindName), not an array")
      }
      var shape: [Int] = []
      shape.reserveCapacity(dims.count)
      for d in dims {
        switch d.nonNegativeInteger {
        case .value(let v): shape.append(v)
        case .negative:
          throw .invalidShape(
            file: file, tensor: name, reason: "dimension \(d.literal) is negative")
        case .tooLarge:
          throw .invalidShape(
            file: file, tensor: name, reason: "dimension \(d.literal) is too large")
        case .notInteger:
          throw .invalidShape(
            file: file, tensor: name, reason: "dimension \(d.literal) is not an integer")
        }
      }

      guard case .array(let offsets) = fields["data_offsets"]!, offsets.count == 2 else {
        throw .invalidOffsets(file: file, tensor: name, reason: "not an array of two integers")
      }
      var bounds: [Int] = []
      for o in offsets {
        switch o.nonNegativeInteger {
        case .value(let v): bounds.append(v)
        case .negative:
          throw .invalidOffsets(file: file, tensor: name, reason: "offset \(o.literal) is negative")
        case .tooLarge:
          throw .invalidOffsets(
            file: file, tensor: name, reason: "offset \(o.literal) is too large")
        case .notInteger:
          throw .invalidOffsets(
            file: file, tensor: name, reason: "offset \(o.literal) is not an integer")
        }
      }
      guard bounds[0] <= bounds[1] else {
        throw .invalidOffsets(
          file: file, tensor: name, reason: "[\(bounds[0]), \(bounds[1])] is decreasing")
      }
      return TensorInfo(name: name, dtype: dtype, shape: shape, begin: bounds[0], end: bounds[1])
    }
  }
}

extension JSONValue {
  /// A short rendering of a scalar for error messages.
  fileprivate var literal: String {
    switch self {
    case .number(let text): return text
    case .string(let s): return "\"\(s)\""
    default: return kindName
    }
  }
}
