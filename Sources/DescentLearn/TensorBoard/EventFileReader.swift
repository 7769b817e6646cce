import Foundation

/// Reads TensorBoard event files back: every record's two CRCs are checked and its event
/// decoded. A file cut inside its last record (a writer killed mid-write, or one still writing)
/// reads up to its last complete record, as TensorBoard reads it; a record whose checksum does
/// not match is an error.
public enum EventFileReader {
  public struct Contents: Sendable {
    public var events: [SummaryEvent]
    /// Whether the file ends inside a record (the part is left out).
    public var truncatedTail: Bool
  }

  public static func read(path: String) throws -> Contents {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw LearnerError.eventFileIO(path: path, reason: "cannot read the file")
    }
    do {
      return try read(bytes: Array(data))
    } catch let error as ProtoDecodingError {
      throw LearnerError.eventFileIO(path: path, reason: error.description)
    }
  }

  public static func read(bytes: [UInt8]) throws -> Contents {
    var events: [SummaryEvent] = []
    var i = 0
    while i < bytes.count {
      guard bytes.count - i >= 12 else { return Contents(events: events, truncatedTail: true) }
      let lengthBytes = bytes[i..<(i + 8)]
      guard CRC32C.maskedChecksum(lengthBytes) == uint32(bytes, at: i + 8) else {
        throw ProtoDecodingError(description: "the record at byte \(i) has a bad length checksum")
      }
      let length = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
      guard length <= UInt64(bytes.count - i - 12), bytes.count - i - 12 - Int(length) >= 4 else {
        return Contents(events: events, truncatedTail: true)
      }
      let start = i + 12, end = start + Int(length)
      guard CRC32C.maskedChecksum(bytes[start..<end]) == uint32(bytes, at: end) else {
        throw ProtoDecodingError(description: "the record at byte \(i) has a bad data checksum")
      }
      events.append(try decodeEvent(bytes[start..<end]))
      i = end + 4
    }
    return Contents(events: events, truncatedTail: false)
  }

  private static func uint32(_ bytes: [UInt8], at i: Int) -> UInt32 {
    (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[i + $1]) << (8 * UInt32($1)) }
  }

  static func decodeEvent(_ bytes: ArraySlice<UInt8>) throws -> SummaryEvent {
    var event = SummaryEvent(wallTime: 0)
    for (field, value) in try ProtoReader.fields(bytes) {
      switch field {
      case 1: event.wallTime = value.double ?? 0
      case 2: event.step = value.integer ?? 0
      case 3: event.fileVersion = value.string
      case 5:
        for (f, v) in try ProtoReader.fields(value.data ?? []) where f == 1 {
          if let decoded = try decodeValue(v.data ?? []) { event.values.append(decoded) }
        }
      default: break
      }
    }
    return event
  }

  /// A `Summary.Value` holding a scalar or plugin data; nil for other kinds (images, histograms).
  private static func decodeValue(_ bytes: ArraySlice<UInt8>) throws -> SummaryValue? {
    var tag = "", kind: SummaryValue.Kind?
    for (field, value) in try ProtoReader.fields(bytes) {
      switch field {
      case 1: tag = value.string ?? ""
      case 2: kind = value.float.map { .scalar($0) }
      case 9:
        for (f, pluginData) in try ProtoReader.fields(value.data ?? []) where f == 1 {
          var name = "", content: [UInt8] = []
          for (g, v) in try ProtoReader.fields(pluginData.data ?? []) {
            if g == 1 { name = v.string ?? "" }
            if g == 2 { content = Array(v.data ?? []) }
          }
          if kind == nil { kind = .plugin(name: name, content: content) }
        }
      default: break
      }
    }
    return kind.map { SummaryValue(tag: tag, kind: $0) }
  }
}
