// The values of the safetensors format: element types, entries (one tensor's bytes), files, and
// the errors that reading or writing one can give.

/// An element type of a safetensors tensor, spelled as in the file's header.
///
/// All of these decode (and `SafetensorsEntry.floats()` converts each of them to `Float`); the
/// floating-point ones can also be written from `[Float]`. Element types the reference
/// implementation knows but that have no whole-byte size or no plain conversion to `Float` (the
/// 4-, 6- and 8-bit floats, complex numbers) are reported as `SafetensorsError.unknownDType`.
public enum SafetensorsDType: String, Sendable, CaseIterable {
  case bool = "BOOL"
  case u8 = "U8"
  case i8 = "I8"
  case i16 = "I16"
  case u16 = "U16"
  case f16 = "F16"
  case bf16 = "BF16"
  case i32 = "I32"
  case u32 = "U32"
  case f32 = "F32"
  case f64 = "F64"
  case i64 = "I64"
  case u64 = "U64"

  /// Bytes per element.
  public var byteSize: Int {
    switch self {
    case .bool, .u8, .i8: return 1
    case .i16, .u16, .f16, .bf16: return 2
    case .i32, .u32, .f32: return 4
    case .f64, .i64, .u64: return 8
    }
  }

  /// Whether `SafetensorsEntry(name:floats:shape:dtype:)` can write this type.
  public var isFloatingPoint: Bool {
    switch self {
    case .f16, .bf16, .f32, .f64: return true
    default: return false
    }
  }

  /// Rank in the reference implementation's dtype order (its enum's declaration order). Writers
  /// lay tensors out by this rank, highest first, then by name, so that every tensor's data stays
  /// aligned to its element size.
  var layoutRank: Int {
    switch self {
    case .bool: return 0
    case .u8: return 1
    case .i8: return 2
    case .i16: return 3
    case .u16: return 4
    case .f16: return 5
    case .bf16: return 6
    case .i32: return 7
    case .u32: return 8
    case .f32: return 9
    case .f64: return 10
    case .i64: return 11
    case .u64: return 12
    }
  }
}

/// One named tensor of a safetensors file: its element type, shape (row-major, like PyTorch's
/// contiguous tensors) and raw little-endian bytes.
public struct SafetensorsEntry: Sendable, Equatable {
  public var name: String
  public var dtype: SafetensorsDType
  public var shape: [Int]
  public var bytes: [UInt8]

  /// An entry from raw little-endian bytes; `bytes.count` must be `elementCount * dtype.byteSize`
  /// (encoding checks it).
  public init(name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8]) {
    self.name = name
    self.dtype = dtype
    self.shape = shape
    self.bytes = bytes
  }

  /// An entry holding `floats` (row-major, `shape.reduce(1, *)` of them) stored as `dtype`, which
  /// must be a floating-point type. F16 and BF16 round to nearest, ties to even (as PyTorch's
  /// `.half()` and `.bfloat16()` do).
  public init(name: String, floats: [Float], shape: [Int], dtype: SafetensorsDType = .f32) {
    precondition(
      dtype.isFloatingPoint, "SafetensorsEntry: cannot store floats as \(dtype.rawValue)")
    precondition(
      shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == floats.count,
      "SafetensorsEntry '\(name)': \(floats.count) values do not fill shape \(shape)")
    self.name = name
    self.dtype = dtype
    self.shape = shape
    self.bytes = SafetensorsEntry.encodeFloats(floats, as: dtype)
  }

  /// The number of elements: the product of the shape (1 for a scalar, shape `[]`).
  public var elementCount: Int { shape.reduce(1, *) }

  /// The values converted to `Float` (F16, BF16 and F32 exactly; others rounded to nearest).
  /// Throws `SafetensorsError.byteCountMismatch` when the bytes do not fit the shape.
  public func floats() throws(SafetensorsError) -> [Float] {
    let expected = SafetensorsEntry.byteCount(shape: shape, dtype: dtype)
    guard let expected, expected == bytes.count else {
      throw .byteCountMismatch(
        file: "(in memory)", tensor: name, expected: expected, actual: bytes.count)
    }
    let n = bytes.count / dtype.byteSize
    return bytes.withUnsafeBytes { raw in
      [Float](unsafeUninitializedCapacity: n) { out, initialized in
        /// Element `i` as a little-endian `T`.
        func word<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
          T(littleEndian: raw.loadUnaligned(fromByteOffset: MemoryLayout<T>.size * i, as: T.self))
        }
        func integers<T: FixedWidthInteger>(_ type: T.Type) {
          for i in 0..<n { out[i] = Float(word(i, type)) }
        }
        switch dtype {
        case .f32: for i in 0..<n { out[i] = Float(bitPattern: word(i, UInt32.self)) }
        case .f16: for i in 0..<n { out[i] = Float(Float16(bitPattern: word(i, UInt16.self))) }
        case .bf16: for i in 0..<n { out[i] = Float(bitPattern: UInt32(word(i, UInt16.self)) << 16) }
        case .f64: for i in 0..<n { out[i] = Float(Double(bitPattern: word(i, UInt64.self))) }
        case .bool: for i in 0..<n { out[i] = raw[i] != 0 ? 1 : 0 }
        case .u8: integers(UInt8.self)
        case .i8: integers(Int8.self)
        case .i16: integers(Int16.self)
        case .u16: integers(UInt16.self)
        case .i32: integers(Int32.self)
        case .u32: integers(UInt32.self)
        case .i64: integers(Int64.self)
        case .u64: integers(UInt64.self)
        }
        initialized = n
      }
    }
  }

  /// `product(shape) * dtype.byteSize`, or nil when a dimension is negative or it overflows.
  static func byteCount(shape: [Int], dtype: SafetensorsDType) -> Int? {
    var count = dtype.byteSize
    for d in shape {
      guard d >= 0 else { return nil }
      let (p, overflow) = count.multipliedReportingOverflow(by: d)
      if overflow { return nil }
      count = p
    }
    return count
  }

  static func encodeFloats(_ floats: [Float], as dtype: SafetensorsDType) -> [UInt8] {
    let n = floats.count
    return [UInt8](unsafeUninitializedCapacity: n * dtype.byteSize) { out, initialized in
      let raw = UnsafeMutableRawBufferPointer(out)
      switch dtype {
      case .f32:
        for i in 0..<n {
          raw.storeBytes(
            of: floats[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
        }
      case .f16:
        for i in 0..<n {
          raw.storeBytes(
            of: Float16(floats[i]).bitPattern.littleEndian, toByteOffset: 2 * i, as: UInt16.self)
        }
      case .bf16:
        for i in 0..<n {
          raw.storeBytes(
            of: BFloat16.bits(floats[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
        }
      case .f64:
        for i in 0..<n {
          raw.storeBytes(
            of: Double(floats[i]).bitPattern.littleEndian, toByteOffset: 8 * i, as: UInt64.self)
        }
      default:
        preconditionFailure("not a floating-point dtype")
      }
      initialized = n * dtype.byteSize
    }
  }
}

/// The tensors and string metadata of one safetensors file. Entries are kept ordered by name
/// (byte-wise on UTF-8), whatever order they were given or stored in.
public struct SafetensorsFile: Sendable, Equatable {
  public private(set) var entries: [SafetensorsEntry]
  /// The header's `__metadata__` (string keys to string values); empty when there is none.
  public var metadata: [String: String]
  private var index: [String: Int]

  /// Entries may come in any order; with duplicate names, lookup finds the first (and encoding
  /// throws `SafetensorsError.duplicateName`).
  public init(entries: [SafetensorsEntry], metadata: [String: String] = [:]) {
    self.entries = entries.sorted { utf8Less($0.name, $1.name) }
    self.metadata = metadata
    var index: [String: Int] = [:]
    for (i, e) in self.entries.enumerated() where index[e.name] == nil { index[e.name] = i }
    self.index = index
  }

  /// The tensor names, in order.
  public var names: [String] { entries.map(\.name) }

  /// The entry called `name`, if any.
  public subscript(name: String) -> SafetensorsEntry? {
    index[name].map { entries[$0] }
  }
}

/// Byte-wise order of UTF-8 strings (as Rust's `String` orders them).
func utf8Less(_ a: String, _ b: String) -> Bool {
  a.utf8.lexicographicallyPrecedes(b.utf8)
}

/// Everything that can go wrong reading or writing a safetensors file. Each description names the
/// file (and the tensor, where one is at fault).
public enum SafetensorsError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file is shorter than the 8-byte header length.
  case fileTooShort(file: String, size: Int)
  /// The header length runs past the end of the file.
  case headerLengthOutOfRange(file: String, headerLength: UInt64, available: Int)
  /// The header length is above the limit the reference library reads (100 MB).
  case headerTooLarge(file: String, headerLength: UInt64, limit: UInt64)
  /// The header is not UTF-8, not JSON, or not a JSON object.
  case invalidHeader(file: String, reason: String)
  /// A tensor's header entry is not an object, lacks a key, or has a value of the wrong type.
  case invalidEntry(file: String, tensor: String, reason: String)
  /// A tensor's dtype is not one that Descent reads.
  case unknownDType(file: String, tensor: String, dtype: String)
  /// A shape dimension is negative or not an integer, or the shape's size overflows.
  case invalidShape(file: String, tensor: String, reason: String)
  /// `data_offsets` is not two increasing non-negative integers.
  case invalidOffsets(file: String, tensor: String, reason: String)
  /// A tensor's data ends past the end of the data buffer.
  case offsetPastEnd(file: String, tensor: String, end: Int, bufferSize: Int)
  /// A tensor's data starts before the previous tensor's (in offset order) ends.
  case overlappingTensors(file: String, tensor: String, previous: String)
  /// Unused bytes `gapStart..<gapEnd` lie between tensors (or before the first one).
  case gapBeforeTensor(file: String, tensor: String, gapStart: Int, gapEnd: Int)
  /// The tensors end at `covered` but the data buffer goes on to `bufferSize`.
  case trailingBytes(file: String, covered: Int, bufferSize: Int)
  /// A tensor's byte count is not product(shape) times its element size (`expected` is nil when
  /// the shape is invalid or overflows).
  case byteCountMismatch(file: String, tensor: String, expected: Int?, actual: Int)
  /// Two tensors (or two `__metadata__` objects) have the same name.
  case duplicateName(file: String, tensor: String)
  /// A tensor is named `__metadata__`, which the format reserves.
  case reservedName(file: String, tensor: String)
  /// `__metadata__` is not an object of strings (`key` is the offending key, if any).
  case invalidMetadata(file: String, key: String?, reason: String)
  /// There is no file at `path`.
  case fileNotFound(path: String)
  /// A system call on `path` failed.
  case io(path: String, operation: String, message: String)

  public var description: String {
    switch self {
    case .fileTooShort(let file, let size):
      return "\(file): not a safetensors file: \(size) bytes, fewer than the 8-byte header length"
    case .headerLengthOutOfRange(let file, let n, let available):
      return
        "\(file): header length \(n) runs past the end of the file (\(available) bytes after the length)"
    case .headerTooLarge(let file, let n, let limit):
      return "\(file): safetensors header of \(n) bytes, above the \(limit)-byte limit (safetensors' MAX_HEADER_SIZE)"
    case .invalidHeader(let file, let reason):
      return "\(file): invalid safetensors header: \(reason)"
    case .invalidEntry(let file, let tensor, let reason):
      return "\(file): tensor '\(tensor)': invalid header entry: \(reason)"
    case .unknownDType(let file, let tensor, let dtype):
      return "\(file): tensor '\(tensor)': unknown dtype '\(dtype)'"
    case .invalidShape(let file, let tensor, let reason):
      return "\(file): tensor '\(tensor)': invalid shape: \(reason)"
    case .invalidOffsets(let file, let tensor, let reason):
      return "\(file): tensor '\(tensor)': invalid data_offsets: \(reason)"
    case .offsetPastEnd(let file, let tensor, let end, let size):
      return
        "\(file): tensor '\(tensor)': data ends at byte \(end), past the end of the \(size)-byte data buffer"
    case .overlappingTensors(let file, let tensor, let previous):
      return "\(file): tensor '\(tensor)': data overlaps that of tensor '\(previous)'"
    case .gapBeforeTensor(let file, let tensor, let start, let end):
      return
        "\(file): tensor '\(tensor)': unused bytes \(start)..<\(end) before its data (tensors must cover the buffer contiguously)"
    case .trailingBytes(let file, let covered, let size):
      return
        "\(file): tensors cover \(covered) bytes of the \(size)-byte data buffer (tensors must cover the buffer contiguously)"
    case .byteCountMismatch(let file, let tensor, let expected, let actual):
      let want = expected.map { "\($0) bytes" } ?? "a size that cannot be computed"
      return
        "\(file): tensor '\(tensor)': \(actual) bytes of data, but its shape and dtype need \(want)"
    case .duplicateName(let file, let tensor):
      return "\(file): tensor name '\(tensor)' appears more than once"
    case .reservedName(let file, let tensor):
      return "\(file): '\(tensor)' is reserved for metadata and cannot name a tensor"
    case .invalidMetadata(let file, let key, let reason):
      if let key { return "\(file): __metadata__ key '\(key)': \(reason)" }
      return "\(file): __metadata__: \(reason)"
    case .fileNotFound(let path):
      return "\(path): no such file"
    case .io(let path, let operation, let message):
      return "\(path): \(operation) failed: \(message)"
    }
  }
}
