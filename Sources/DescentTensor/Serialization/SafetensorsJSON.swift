// A small, strict JSON reader and the writer for safetensors headers.
//
// The reader keeps object members in file order and keeps duplicate keys (so that the decoder can
// reject them), tells integers from other numbers, and never recurses deeper than `maxDepth`.
// The writer produces the exact text that the reference implementation (serde_json, compact)
// produces: no spaces, and only `"`, `\`, and control characters escaped.

/// A parsed JSON value. Numbers keep their literal text; `nonNegativeInteger` reads integers.
enum JSONValue {
  case null
  case bool(Bool)
  case number(String)
  case string(String)
  case array([JSONValue])
  case object([(key: String, value: JSONValue)])

  /// What the value is, for error messages.
  var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "a boolean"
    case .number(let text): return isIntegerLiteral(text) ? "an integer" : "a non-integer number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }
}

/// The integer a number literal denotes, when it has no fraction or exponent.
enum JSONInteger {
  case value(Int)
  case negative
  case tooLarge
  case notInteger
}

func isIntegerLiteral(_ text: String) -> Bool {
  !text.utf8.contains {
    $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
  }
}

extension JSONValue {
  /// Reads a non-negative integer (a shape dimension or an offset).
  var nonNegativeInteger: JSONInteger {
    guard case .number(let text) = self, isIntegerLiteral(text) else { return .notInteger }
    if text.hasPrefix("-") { return text == "-0" ? .value(0) : .negative }
    guard let v = Int(text) else { return .tooLarge }
    return .value(v)
  }
}

struct JSONSyntaxError: Error {
  var offset: Int
  var message: String
}

/// Parses one JSON value that fills `bytes` (whitespace allowed around it).
struct JSONParser {
  static let maxDepth = 64

  private let bytes: [UInt8]
  private var i = 0

  static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
    var p = JSONParser(bytes: bytes)
    p.skipWhitespace()
    let value = try p.parseValue(depth: 0)
    p.skipWhitespace()
    if p.i != bytes.count { throw p.error("unexpected characters after the JSON value") }
    return value
  }

  private init(bytes: [UInt8]) { self.bytes = bytes }

  private func error(_ message: String) -> JSONSyntaxError {
    JSONSyntaxError(offset: i, message: message)
  }

  private mutating func skipWhitespace() {
    while i < bytes.count {
      switch bytes[i] {
      case 0x20, 0x09, 0x0A, 0x0D: i += 1
      default: return
      }
    }
  }

  private mutating func expect(_ literal: StaticString, _ value: JSONValue) throws(JSONSyntaxError)
    -> JSONValue
  {
    let n = literal.utf8CodeUnitCount
    let ok = literal.withUTF8Buffer { lit in
      i + n <= bytes.count && (0..<n).allSatisfy { bytes[i + $0] == lit[$0] }
    }
    if !ok { throw error("invalid literal") }
    i += n
    return value
  }

  private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
    guard i < bytes.count else { throw error("unexpected end of input") }
    switch bytes[i] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
    case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): return try expect("true", .bool(true))
    case UInt8(ascii: "f"): return try expect("false", .bool(false))
    case UInt8(ascii: "n"): return try expect("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw error("unexpected character")
    }
  }

  private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
    if depth > Self.maxDepth { throw error("nested too deeply") }
    i += 1  // {
    var members: [(key: String, value: JSONValue)] = []
    skipWhitespace()
    if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
      i += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a key") }
      let key = try parseString()
      skipWhitespace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
      i += 1
      skipWhitespace()
      members.append((key, try parseValue(depth: depth)))
      skipWhitespace()
      guard i < bytes.count else { throw error("unexpected end of input") }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
      } else if bytes[i] == UInt8(ascii: "}") {
        i += 1
        return .object(members)
      } else {
        throw error("expected ',' or '}'")
      }
    }
  }

  private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
    if depth > Self.maxDepth { throw error("nested too deeply") }
    i += 1  // [
    var elements: [JSONValue] = []
    skipWhitespace()
    if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
      i += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue(depth: depth))
      skipWhitespace()
      guard i < bytes.count else { throw error("unexpected end of input") }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
      } else if bytes[i] == UInt8(ascii: "]") {
        i += 1
        return .array(elements)
      } else {
        throw error("expected ',' or ']'")
      }
    }
  }

  private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
    let start = i
    func digits(_ p: inout JSONParser) -> Int {
      let s = p.i
      while p.i < p.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(p.bytes[p.i]) {
        p.i += 1
      }
      return p.i - s
    }
    if bytes[i] == UInt8(ascii: "-") { i += 1 }
    guard i < bytes.count else { throw error("invalid number") }
    if bytes[i] == UInt8(ascii: "0") {
      i += 1
    } else if digits(&self) == 0 {
      throw error("invalid number")
    }
    if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
      i += 1
      if digits(&self) == 0 { throw error("invalid number") }
    }
    if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
      i += 1
      if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) {
        i += 1
      }
      if digits(&self) == 0 { throw error("invalid number") }
    }
    return .number(String(decoding: bytes[start..<i], as: UTF8.self))
  }

  private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
    guard i + 4 <= bytes.count else { throw error("truncated \\u escape") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[i]
      let d: UInt8
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
      default: throw error("invalid \\u escape")
      }
      v = v << 4 | UInt32(d)
      i += 1
    }
    return v
  }

  /// Parses a string starting at its opening quote. The input is known to be valid UTF-8.
  private mutating func parseString() throws(JSONSyntaxError) -> String {
    i += 1  // "
    var out: [UInt8] = []
    while true {
      guard i < bytes.count else { throw error("unterminated string") }
      let c = bytes[i]
      if c == UInt8(ascii: "\"") {
        i += 1
        return String(decoding: out, as: UTF8.self)
      }
      if c < 0x20 { throw error("unescaped control character in string") }
      if c != UInt8(ascii: "\\") {
        out.append(c)
        i += 1
        continue
      }
      i += 1
      guard i < bytes.count else { throw error("unterminated string") }
      let e = bytes[i]
      i += 1
      switch e {
      case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
      case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
      case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hex4()
        if (0xD800...0xDBFF).contains(scalar) {
          guard i + 2 <= bytes.count, bytes[i] == UInt8(ascii: "\\"),
            bytes[i + 1] == UInt8(ascii: "u")
          else { throw error("unpaired surrogate in \\u escape") }
          i += 2
          let low = try hex4()
          guard (0xDC00...0xDFFF).contains(low) else {
            throw error("unpaired surrogate in \\u escape")
          }
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
          throw error("unpaired surrogate in \\u escape")
        }
        // Every value left here is a valid scalar.
        out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
      default:
        i -= 1
        throw error("invalid escape")
      }
    }
  }
}

/// Writes compact JSON exactly as serde_json does (the reference implementation's writer).
struct JSONWriter {
  private(set) var bytes: [UInt8] = []

  mutating func raw(_ s: StaticString) {
    s.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  mutating func integer(_ v: Int) {
    bytes.append(contentsOf: String(v).utf8)
  }

  mutating func string(_ s: String) {
    bytes.append(UInt8(ascii: "\""))
    for c in s.utf8 {
      switch c {
      case UInt8(ascii: "\""): raw("\\\"")
      case UInt8(ascii: "\\"): raw("\\\\")
      case 0x08: raw("\\b")
      case 0x0C: raw("\\f")
      case 0x0A: raw("\\n")
      case 0x0D: raw("\\r")
      case 0x09: raw("\\t")
      case 0..<0x20:
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        raw("\\u00")
        bytes.append(hex[Int(c >> 4)])
        bytes.append(hex[Int(c & 0xF)])
      default: bytes.append(c)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}
