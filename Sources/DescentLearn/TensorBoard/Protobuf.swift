/// The protocol-buffer wire format, as much of it as TensorBoard's event files need: varints,
/// fixed 32- and 64-bit numbers and length-delimited fields. About ten small messages are
/// written (Event, Summary, the HParams plugin's); a hand encoder spares the build a package
/// and a code generator for them.
struct ProtoWriter {
  enum WireType: UInt64 {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
  }

  private(set) var bytes: [UInt8] = []

  init() {}

  mutating func varint(_ value: UInt64) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(v & 0x7F) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  mutating func key(_ field: Int, _ type: WireType) { varint(UInt64(field) << 3 | type.rawValue) }

  /// int64, int32 and enums: negative numbers as their 64-bit two's complement (10 bytes).
  mutating func int(_ field: Int, _ value: Int64) {
    key(field, .varint)
    varint(UInt64(bitPattern: value))
  }

  mutating func bool(_ field: Int, _ value: Bool) {
    key(field, .varint)
    varint(value ? 1 : 0)
  }

  mutating func double(_ field: Int, _ value: Double) {
    key(field, .fixed64)
    littleEndian(value.bitPattern)
  }

  mutating func float(_ field: Int, _ value: Float) {
    key(field, .fixed32)
    littleEndian(value.bitPattern)
  }

  mutating func bytes(_ field: Int, _ value: [UInt8]) {
    key(field, .lengthDelimited)
    varint(UInt64(value.count))
    bytes += value
  }

  mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

  /// A nested message, built by `body`.
  mutating func message(_ field: Int, _ body: (inout ProtoWriter) -> Void) {
    var inner = ProtoWriter()
    body(&inner)
    bytes(field, inner.bytes)
  }

  private mutating func littleEndian<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
  }
}

/// Why protocol-buffer bytes could not be read.
public struct ProtoDecodingError: Error, CustomStringConvertible {
  public let description: String
}

/// Reads the fields of one message, in order (repeated fields appear once per element); nested
/// messages are read by handing their bytes to another reader. Enough for the tests and tools
/// that read event files back.
struct ProtoReader {
  enum Value {
    case varint(UInt64)
    case fixed64(UInt64)
    case fixed32(UInt32)
    case bytes(ArraySlice<UInt8>)

    var integer: Int64? { if case .varint(let v) = self { return Int64(bitPattern: v) } else { return nil } }
    var double: Double? { if case .fixed64(let v) = self { return Double(bitPattern: v) } else { return nil } }
    var float: Float? { if case .fixed32(let v) = self { return Float(bitPattern: v) } else { return nil } }
    var data: ArraySlice<UInt8>? { if case .bytes(let b) = self { return b } else { return nil } }
    var string: String? { data.map { String(decoding: $0, as: UTF8.self) } }
  }

  /// Every (field number, value) of the message in `bytes`.
  static func fields(_ bytes: ArraySlice<UInt8>) throws -> [(field: Int, value: Value)] {
    var i = bytes.startIndex
    var result: [(Int, Value)] = []

    func varint() throws -> UInt64 {
      var value: UInt64 = 0
      var shift: UInt64 = 0
      while true {
        guard i < bytes.endIndex else { throw ProtoDecodingError(description: "a varint runs past the end") }
        guard shift < 64 else { throw ProtoDecodingError(description: "a varint is longer than 10 bytes") }
        let b = bytes[i]
        i += 1
        value |= UInt64(b & 0x7F) << shift
        if b < 0x80 { return value }
        shift += 7
      }
    }

    func fixed(_ count: Int) throws -> UInt64 {
      guard bytes.endIndex - i >= count else { throw ProtoDecodingError(description: "a fixed-size field runs past the end") }
      var value: UInt64 = 0
      for k in 0..<count { value |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
      i += count
      return value
    }

    while i < bytes.endIndex {
      let key = try varint()
      let field = Int(key >> 3)
      guard field > 0 else { throw ProtoDecodingError(description: "field number 0") }
      switch key & 7 {
      case 0: result.append((field, .varint(try varint())))
      case 1: result.append((field, .fixed64(try fixed(8))))
      case 5: result.append((field, .fixed32(UInt32(try fixed(4)))))
      case 2:
        let length = try varint()
        guard length <= UInt64(bytes.endIndex - i) else {
          throw ProtoDecodingError(description: "field \(field) claims \(length) bytes; \(bytes.endIndex - i) are left")
        }
        result.append((field, .bytes(bytes[i..<(i + Int(length))])))
        i += Int(length)
      default:
        throw ProtoDecodingError(description: "field \(field) has wire type \(key & 7), which these messages do not use")
      }
    }
    return result
  }
}
