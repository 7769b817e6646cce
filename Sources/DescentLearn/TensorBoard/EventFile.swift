import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// One value of a TensorBoard `Summary`: a scalar, or a plugin's payload (the HParams plugin's).
public struct SummaryValue: Sendable, Equatable {
  public enum Kind: Sendable, Equatable {
    /// `simple_value`: TensorBoard's scalars.
    case scalar(Float)
    /// Summary metadata naming `plugin` with its serialized `content`, beside an empty tensor.
    case plugin(name: String, content: [UInt8])
  }

  public var tag: String
  public var kind: Kind

  public init(tag: String, kind: Kind) {
    self.tag = tag
    self.kind = kind
  }

  public static func scalar(_ tag: String, _ value: Float) -> SummaryValue { SummaryValue(tag: tag, kind: .scalar(value)) }

  /// `Summary.Value`: tag 1, simple_value 2, tensor 8, metadata 9 (`SummaryMetadata.plugin_data`
  /// 1: plugin_name 1, content 2), in field order as protobuf's own encoders write them.
  func encode(into w: inout ProtoWriter) {
    w.string(1, tag)
    switch kind {
    case .scalar(let v):
      w.float(2, v)
    case .plugin(let name, let content):
      // The empty float tensor TensorBoard's own plugin summaries carry (DT_FLOAT, shape [0]):
      // its data provider lists plugin data as tensors.
      w.message(8) { tensor in
        tensor.int(1, 1)
        tensor.message(2) { shape in shape.message(2) { _ in } }
      }
      w.message(9) { metadata in
        metadata.message(1) { pluginData in
          pluginData.string(1, name)
          pluginData.bytes(2, content)
        }
      }
    }
  }
}

/// A TensorBoard `Event`: wall_time 1 (double), step 2 (int64), file_version 3 (string),
/// summary 5 (`Summary`, whose values are field 1).
public struct SummaryEvent: Sendable, Equatable {
  public var wallTime: Double
  public var step: Int64
  public var fileVersion: String?
  public var values: [SummaryValue]

  public init(wallTime: Double, step: Int64 = 0, fileVersion: String? = nil, values: [SummaryValue] = []) {
    self.wallTime = wallTime
    self.step = step
    self.fileVersion = fileVersion
    self.values = values
  }

  public var encoded: [UInt8] {
    var w = ProtoWriter()
    w.double(1, wallTime)
    if step != 0 { w.int(2, step) }
    if let fileVersion { w.string(3, fileVersion) }
    if !values.isEmpty {
      w.message(5) { summary in
        for v in values { summary.message(1) { v.encode(into: &$0) } }
      }
    }
    return w.bytes
  }
}

/// TFRecord framing: the data's length (uint64, little-endian), the masked CRC-32C of those 8
/// bytes, the data, the masked CRC-32C of the data.
public enum TFRecord {
  public static func frame(_ data: [UInt8]) -> [UInt8] {
    var record: [UInt8] = []
    record.reserveCapacity(data.count + 16)
    let length = withUnsafeBytes(of: UInt64(data.count).littleEndian, Array.init)
    record += length
    withUnsafeBytes(of: CRC32C.maskedChecksum(length).littleEndian) { record += $0 }
    record += data
    withUnsafeBytes(of: CRC32C.maskedChecksum(data).littleEndian) { record += $0 }
    return record
  }
}

/// Appends events to a new TensorBoard event file in a run's folder
/// (`events.out.tfevents.<unix seconds>.<host>.<pid>.<n>`, as TensorBoard's own writer names
/// them, so that two writers never share a file). The first record is the file version.
///
/// Each event is one `write` of its whole record, so a killed process leaves at most its last
/// record torn, which readers (TensorBoard's and `EventFileReader`) skip. `flush` also asks the
/// system to put the file on disk.
public final class EventFileWriter {
  public let path: String
  private var handle: FileHandle?

  private static let filesOpened = Atomic(0)

  public init(runDirectory: String, wallTime: Double = Date().timeIntervalSince1970) throws {
    let n = Self.filesOpened.add(1, ordering: .relaxed).newValue
    let name = String(format: "events.out.tfevents.%010d.", Int(wallTime)) + "\(Self.hostName).\(getpid()).\(n)"
    path = (runDirectory as NSString).appendingPathComponent(name)
    do {
      try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
    } catch {
      throw LearnerError.eventFileIO(path: path, reason: "cannot create the folder \(runDirectory): \(error.localizedDescription)")
    }
    guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
      throw LearnerError.eventFileIO(path: path, reason: "cannot create the file")
    }
    self.handle = handle
    try write(SummaryEvent(wallTime: wallTime, fileVersion: "brain.Event:2"))
  }

  deinit { try? handle?.close() }

  /// This machine's name as the system has it (Foundation's `hostName` may ask DNS), made safe
  /// for a file name.
  static var hostName: String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
    let name = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    let safe = String(name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
    return safe.isEmpty ? "localhost" : safe
  }

  public func write(_ event: SummaryEvent) throws {
    guard let handle else { throw LearnerError.eventFileIO(path: path, reason: "the file is closed") }
    do {
      try handle.write(contentsOf: Data(TFRecord.frame(event.encoded)))
    } catch {
      throw LearnerError.eventFileIO(path: path, reason: "\(error)")
    }
  }

  /// Puts what was written on disk.
  public func flush() throws {
    do {
      try handle?.synchronize()
    } catch {
      throw LearnerError.eventFileIO(path: path, reason: "\(error)")
    }
  }

  /// Flushes and closes the file; later writes fail.
  public func close() throws {
    try flush()
    try? handle?.close()
    handle = nil
  }
}
