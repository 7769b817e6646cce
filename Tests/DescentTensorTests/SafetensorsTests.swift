import Foundation
import Testing

@testable import DescentTensor

/// A safetensors file from a header text and a data buffer.
private func file(_ header: String, _ data: [UInt8] = []) -> [UInt8] {
  file(Array(header.utf8), data)
}

private func file(_ header: [UInt8], _ data: [UInt8] = []) -> [UInt8] {
  var out: [UInt8] = []
  withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
  return out + header + data
}

/// A header entry `"name":{"dtype":…,"shape":…,"data_offsets":…}` (without braces around it).
private func entry(
  _ name: String, _ dtype: String = "F32", _ shape: String = "[1]", _ offsets: String
)
  -> String
{
  "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)}"
}

private func decodeError(_ bytes: [UInt8]) -> SafetensorsError? {
  do {
    _ = try Safetensors.decode(bytes, file: "corrupt.safetensors")
    return nil
  } catch {
    return error
  }
}

/// A fresh empty folder under the system's temporary folder.
private func temporaryFolder() throws -> String {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("descent-safetensors-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url.path
}

@Suite struct SafetensorsTests {
  // MARK: Round trips

  /// Every non-float dtype widens to Float from its little-endian bytes.
  @Test func integerDtypesConvertToFloat() throws {
    let cases: [(SafetensorsDType, [UInt8], [Float])] = [
      (.bool, [0, 1, 2], [0, 1, 1]),
      (.u8, [0, 200], [0, 200]),
      (.i8, [0xFF, 0x7F], [-1, 127]),
      (.i16, [0xFE, 0xFF, 0x00, 0x01], [-2, 256]),
      (.u16, [0xFF, 0xFF], [65535]),
      (.i32, [0xFE, 0xFF, 0xFF, 0xFF], [-2]),
      (.u32, [0x00, 0x00, 0x00, 0x80], [2_147_483_648]),
      (.i64, [0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [-3]),
      (.u64, [0x05, 0, 0, 0, 0, 0, 0, 0], [5]),
    ]
    for (dtype, bytes, expected) in cases {
      let entry = SafetensorsEntry(name: "t", dtype: dtype, shape: [expected.count], bytes: bytes)
      #expect(try entry.floats() == expected, "\(dtype)")
    }
  }

  @Test func roundTripF32AndF16WithMetadata() throws {
    let entries = [
      SafetensorsEntry(
        name: "conv.weight", floats: (0..<24).map { Float($0) * 0.25 - 3 }, shape: [2, 3, 2, 2]),
      SafetensorsEntry(name: "conv.bias", floats: [1, -2], shape: [2]),
      SafetensorsEntry(name: "scalar", floats: [42.5], shape: []),
      SafetensorsEntry(name: "empty", floats: [], shape: [0, 3]),
      SafetensorsEntry(name: "empty16", floats: [], shape: [4, 0], dtype: .f16),
      SafetensorsEntry(
        name: "half", floats: [0.5, -1, 2048, 1e-3, 3, 4], shape: [3, 2], dtype: .f16),
      SafetensorsEntry(name: "half.scalar", floats: [-0.75], shape: [], dtype: .f16),
      SafetensorsEntry(name: "brain", floats: [1, -3, 0.5], shape: [3], dtype: .bf16),
      SafetensorsEntry(name: "double", floats: [0.1, 1e30], shape: [2, 1], dtype: .f64),
    ]
    let original = SafetensorsFile(
      entries: entries, metadata: ["format": "pt", "epoch": "3", "note": "é \"quoted\"\n"])
    let decoded = try Safetensors.decode(try Safetensors.encode(original))
    #expect(decoded == original)
    #expect(decoded.metadata == original.metadata)
    #expect(decoded.names == entries.map(\.name).sorted())
    #expect(decoded["scalar"]?.shape == [])
    #expect(try decoded["scalar"]?.floats() == [42.5])
    #expect(decoded["empty"]?.shape == [0, 3])
    #expect(try decoded["empty"]?.floats() == [])
    #expect(try decoded["conv.weight"]?.floats() == (0..<24).map { Float($0) * 0.25 - 3 })
    #expect(try decoded["half"]?.floats() == [0.5, -1, 2048, Float(Float16(1e-3)), 3, 4])
    #expect(decoded["half"]?.bytes.count == 12)
    #expect(try decoded["brain"]?.floats() == [1, -3, 0.5])
    #expect(try decoded["double"]?.floats() == [0.1, 1e30])
    #expect(decoded["missing"] == nil)
  }

  @Test func roundTripThroughAFile() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/model.safetensors"
    let original = SafetensorsFile(
      entries: [
        SafetensorsEntry(name: "w", floats: [1, 2, 3, 4, 5, 6], shape: [2, 3]),
        SafetensorsEntry(name: "h", floats: [0.1, 0.2], shape: [2], dtype: .f16),
      ],
      metadata: ["k": "v"])
    try Safetensors.write(original, to: path)
    #expect(try Safetensors.read(path: path) == original)
  }

  @Test func emptyFile() throws {
    let bytes = try Safetensors.encode(SafetensorsFile(entries: []))
    #expect(bytes == file("{}      "))  // as the reference writes it
    #expect(try Safetensors.decode(bytes) == SafetensorsFile(entries: []))
  }

  @Test func f16RoundsToNearestEven() throws {
    // 1+2^-11 lies halfway between 1 and 1+2^-10 and goes to the even one, 1; 1+3·2^-11 lies
    // halfway between 1+2^-10 and 1+2^-9 and goes to 1+2^-9. Bits as written by PyTorch.
    let e = SafetensorsEntry(
      name: "h", floats: [1 + 0x1p-11, 1 + 3 * 0x1p-11, 0.1, 70000, -0.0], shape: [5], dtype: .f16)
    #expect(e.bytes == [0x00, 0x3C, 0x02, 0x3C, 0x66, 0x2E, 0x00, 0x7C, 0x00, 0x80])
    #expect(try e.floats() == [1, 1 + 0x1p-9, 0.0999755859375, .infinity, 0])
  }

  @Test func otherDtypesDecodeToFloat() throws {
    let entries: [String] = [
      entry("a", "I64", "[2]", "[0,16]"), entry("b", "U8", "[2]", "[16,18]"),
      entry("c", "BOOL", "[2]", "[18,20]"), entry("d", "I16", "[1]", "[20,22]"),
    ]
    let data: [UInt8] = [
      0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 7, 0, 0, 0, 0, 0, 0, 0, 200, 3, 1, 0, 0x00,
      0x80,
    ]
    let bytes = file("{" + entries.joined(separator: ",") + "}", data)
    let f = try Safetensors.decode(bytes)
    #expect(try f["a"]?.floats() == [-2, 7])
    #expect(try f["b"]?.floats() == [200, 3])
    #expect(try f["c"]?.floats() == [1, 0])
    #expect(try f["d"]?.floats() == [-32768])
  }

  // MARK: Byte-identical to the reference implementation

  /// Resources/reference.safetensors, written by Reference/safetensors_reference.py with
  /// safetensors.torch.save_file.
  @Test func matchesPythonReferenceFile() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Resources/reference.safetensors").path
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let f = try Safetensors.read(path: path)

    #expect(f.metadata == ["format": "torch"])
    #expect(f.names == ["half", "step", "weight"])
    #expect(f["weight"]?.dtype == .f32)
    #expect(f["weight"]?.shape == [2, 3])
    let weightBits: [UInt32] = [
      1_056_964_608, 3_214_934_016, 1_077_936_128, 1_036_831_949, 2_147_483_648, 841_731_191,
    ]
    #expect(try f["weight"]?.floats().map(\.bitPattern) == weightBits)
    #expect(try f["weight"]?.floats() == [0.5, -1.25, 3.0, 0.1, -0.0, 1e-8])
    #expect(f["step"]?.shape == [])
    #expect(try f["step"]?.floats() == [7])
    #expect(f["half"]?.dtype == .f16)
    #expect(f["half"]?.shape == [2, 4])
    let halfBits: [UInt16] = [0x3C00, 0x3C02, 0x2E66, 0x3555, 0xC100, 0x7BFF, 0x00A8, 0x7C00]
    #expect(try f["half"]?.floats().map { Float16($0).bitPattern } == halfBits)
    #expect(try f["half"]?.floats()[5] == 65504)

    let mine = SafetensorsFile(
      entries: [
        SafetensorsEntry(
          name: "weight", floats: [0.5, -1.25, 3.0, 0.1, -0.0, 1e-8], shape: [2, 3]),
        SafetensorsEntry(name: "step", floats: [7], shape: []),
        SafetensorsEntry(
          name: "half",
          floats: [1 + 0x1p-11, 1 + 3 * 0x1p-11, 0.1, 1.0 / 3.0, -2.5, 65504, 1e-5, 70000],
          shape: [2, 4], dtype: .f16),
      ],
      metadata: ["format": "torch"])
    #expect(try Safetensors.encode(mine) == bytes)
    #expect(try Safetensors.encode(f) == bytes)
  }

  /// The layout order (dtype rank, then name), the zero-size and scalar shapes, the escaping of
  /// strings, and the padding, as `safetensors.torch.save` 0.8.0 wrote them for the same input.
  @Test func matchesPythonLayoutAndEscaping() throws {
    let key = "k\"ey"
    let value = "q\"uote a\\b\n\t\u{1}\u{e9}\u{1f600}/<>\u{8}\u{c}\u{d}\u{7f}\u{1f}\u{2028} \u{0}"
    let f = SafetensorsFile(
      entries: [
        SafetensorsEntry(name: "b", floats: [0, 0, 0], shape: [3], dtype: .f16),
        SafetensorsEntry(name: "a", floats: [1.5, -2], shape: [2], dtype: .f16),
        SafetensorsEntry(name: "z", floats: [1], shape: [1]),
        // The reference wrote the double 0.1, which no Float widens to.
        SafetensorsEntry(
          name: "c", dtype: .f64, shape: [1],
          bytes: [0x9A, 0x99, 0x99, 0x99, 0x99, 0x99, 0xB9, 0x3F]),
        SafetensorsEntry(name: "bf", floats: [-3], shape: [1], dtype: .bf16),
        SafetensorsEntry(name: "i", dtype: .i32, shape: [1], bytes: [0xFE, 0xFF, 0xFF, 0xFF]),
        SafetensorsEntry(name: "s", floats: [3], shape: []),
        SafetensorsEntry(name: "e", floats: [], shape: [0, 3]),
      ],
      metadata: [key: value])
    let header =
      "{\"__metadata__\":{\"k\\\"ey\":\"q\\\"uote a\\\\b\\n\\t\\u0001\u{e9}\u{1f600}/<>\\b\\f\\r\u{7f}\\u001f\u{2028} \\u0000\"},\"c\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[8,8]},\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]},\"z\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]},\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[16,20]},\"bf\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[20,22]},\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[22,26]},\"b\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[26,32]}}       "
    let data: [UInt8] = [
      0x9A, 0x99, 0x99, 0x99, 0x99, 0x99, 0xB9, 0x3F, 0x00, 0x00, 0x40, 0x40, 0x00, 0x00, 0x80,
      0x3F,
      0xFE, 0xFF, 0xFF, 0xFF, 0x40, 0xC0, 0x00, 0x3E, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00,
    ]
    let bytes = try Safetensors.encode(f)
    #expect(bytes.count == 568)
    #expect(bytes == file(header, data))
    let back = try Safetensors.decode(bytes)
    #expect(back.metadata == [key: value])
    #expect(back == f)
  }

  // MARK: Corrupt files

  @Test func truncatedFiles() {
    #expect(decodeError([1, 2]) == .fileTooShort(file: "corrupt.safetensors", size: 2))
    #expect(decodeError([]) == .fileTooShort(file: "corrupt.safetensors", size: 0))
    var long = file("{}")
    long[0] = 100
    #expect(
      decodeError(long)
        == .headerLengthOutOfRange(file: "corrupt.safetensors", headerLength: 100, available: 2))
    var huge = file("{}")
    for i in 0..<8 { huge[i] = 0xFF }
    #expect(decodeError(huge) == .headerTooLarge(file: "corrupt.safetensors", headerLength: .max, limit: 100_000_000))
    let e = decodeError([1, 2])
    #expect(e?.description.contains("corrupt.safetensors") == true)
  }

  /// A header over the reference library's 100 MB is refused from its length alone, before the
  /// file is read (a 1 GiB header of spaces took 3.1 GB to load); 100 MB itself is allowed.
  @Test func aHeaderOverTheLimitIsRefusedBeforeReading() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("huge-header-\(UUID().uuidString).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    var bytes = [UInt8](repeating: 0x20, count: 16)
    withUnsafeBytes(of: UInt64(100_000_001).littleEndian) { for i in 0..<8 { bytes[i] = $0[i] } }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(throws: SafetensorsError.headerTooLarge(file: path, headerLength: 100_000_001, limit: 100_000_000)) {
      try Safetensors.read(path: path)
    }
    #expect(SafetensorsError.headerTooLarge(file: "m", headerLength: 100_000_001, limit: 100_000_000).description
      == "m: safetensors header of 100000001 bytes, above the 100000000-byte limit (safetensors' MAX_HEADER_SIZE)")
    var atLimit = file("{}")
    withUnsafeBytes(of: UInt64(100_000_000).littleEndian) { for i in 0..<8 { atLimit[i] = $0[i] } }
    #expect(decodeError(atLimit) == .headerLengthOutOfRange(file: "corrupt.safetensors", headerLength: 100_000_000, available: 2))
  }

  @Test func invalidHeaders() {
    let cases: [[UInt8]] = [
      file([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]),  // {"\xff":1}: not UTF-8
      file("{\"a\":"),
      file("[1]"),
      file("\"text\""),
      file(""),
      file("{\"a\":1,}"),
      file("{\"a\":{\"dtype\":\"F32\"} x"),
      file(Array("{}".utf8) + [0, 0]),  // padded with NULs rather than spaces
      file("{\"a\":\"\u{1}\"}"),  // raw control character in a string
      file("{\"x\":" + String(repeating: "[", count: 10_000) + "}"),  // deep: an error, not a crash
    ]
    for bytes in cases {
      guard case .invalidHeader(let f, _) = decodeError(bytes) else {
        Issue.record(
          "expected invalidHeader for \(String(decoding: bytes.dropFirst(8).prefix(40), as: UTF8.self))"
        )
        continue
      }
      #expect(f == "corrupt.safetensors")
    }
  }

  @Test func invalidEntries() {
    func reason(_ header: String, _ data: [UInt8] = []) -> String? {
      guard case .invalidEntry(_, let tensor, let why) = decodeError(file(header, data)) else {
        return nil
      }
      #expect(tensor == "a")
      return why
    }
    #expect(reason("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}") == "missing key 'data_offsets'")
    #expect(
      reason("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", [0, 0, 0, 0])
        == "missing key 'dtype'")
    #expect(
      reason("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", [0, 0, 0, 0])
        == "missing key 'shape'")
    #expect(reason("{\"a\":5}") == "is an integer, not an object")
    #expect(
      reason("{" + entry("a", "F32", "\"1\"", "[0,4]") + "}", [0, 0, 0, 0])
        == "'shape' is a string, not an array")
    #expect(
      reason("{\"a\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", [0, 0, 0, 0]) != nil)
    #expect(
      reason(
        "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        [0, 0, 0, 0])
        == "key 'dtype' appears more than once")
    let e = decodeError(file("{\"a\":5}"))!
    #expect(e.description.contains("corrupt.safetensors") && e.description.contains("'a'"))
  }

  @Test func unknownDTypes() {
    for dtype in ["Q7", "f32", "F8_E4M3", "C64", "F4"] {
      let bytes = file("{" + entry("a", dtype, "[4]", "[0,4]") + "}", [0, 0, 0, 0])
      #expect(
        decodeError(bytes) == .unknownDType(file: "corrupt.safetensors", tensor: "a", dtype: dtype))
    }
    #expect(
      decodeError(file("{" + entry("w", "Q7", "[]", "[0,4]") + "}", [0, 0, 0, 0]))!.description
        == "corrupt.safetensors: tensor 'w': unknown dtype 'Q7'")
  }

  @Test func invalidShapes() {
    for shape in [
      "[-1]", "[1.0]", "[2,1e0]", "[0.5]", "[\"1\"]", "[null]", "[99999999999999999999]",
    ] {
      let bytes = file("{" + entry("a", "F32", shape, "[0,4]") + "}", [0, 0, 0, 0])
      guard case .invalidShape(let f, let t, _) = decodeError(bytes) else {
        Issue.record(
          "expected invalidShape for \(shape), got \(String(describing: decodeError(bytes)))")
        continue
      }
      #expect(f == "corrupt.safetensors" && t == "a")
    }
    // The byte count overflows.
    let bytes = file(
      "{" + entry("a", "F32", "[4611686018427387904,4]", "[0,4]") + "}", [0, 0, 0, 0])
    guard case .invalidShape = decodeError(bytes) else {
      Issue.record("expected invalidShape for an overflowing shape")
      return
    }
  }

  @Test func invalidOffsets() {
    for offsets in [
      "[4,0]", "[0,4,4]", "[0]", "[]", "[\"0\",4]", "[-1,4]", "[0.0,4]", "{}", "4", "[0,1e1]",
    ] {
      let bytes = file("{" + entry("a", "F32", "[1]", offsets) + "}", [0, 0, 0, 0])
      guard case .invalidOffsets(let f, let t, _) = decodeError(bytes) else {
        Issue.record(
          "expected invalidOffsets for \(offsets), got \(String(describing: decodeError(bytes)))")
        continue
      }
      #expect(f == "corrupt.safetensors" && t == "a")
    }
  }

  @Test func offsetsPastTheEnd() {
    let bytes = file("{" + entry("a", "F32", "[2]", "[0,8]") + "}", [0, 0, 0, 0])
    #expect(
      decodeError(bytes)
        == .offsetPastEnd(file: "corrupt.safetensors", tensor: "a", end: 8, bufferSize: 4))
  }

  @Test func overlapsAndGaps() {
    let four: [UInt8] = [0, 0, 0, 0]
    let overlap = file(
      "{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "F32", "[1]", "[2,6]") + "}",
      four + [0, 0])
    #expect(
      decodeError(overlap)
        == .overlappingTensors(file: "corrupt.safetensors", tensor: "b", previous: "a"))
    // Two tensors on the same bytes.
    let shared = file(
      "{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "F32", "[1]", "[0,4]") + "}", four)
    #expect(
      decodeError(shared)
        == .overlappingTensors(file: "corrupt.safetensors", tensor: "b", previous: "a"))
    let gap = file(
      "{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "F32", "[1]", "[8,12]") + "}",
      four + four + four)
    #expect(
      decodeError(gap)
        == .gapBeforeTensor(file: "corrupt.safetensors", tensor: "b", gapStart: 4, gapEnd: 8))
    let leading = file("{" + entry("a", "F32", "[1]", "[4,8]") + "}", four + four)
    #expect(
      decodeError(leading)
        == .gapBeforeTensor(file: "corrupt.safetensors", tensor: "a", gapStart: 0, gapEnd: 4))
    let trailing = file("{" + entry("a", "F32", "[1]", "[0,4]") + "}", four + four)
    #expect(
      decodeError(trailing)
        == .trailingBytes(file: "corrupt.safetensors", covered: 4, bufferSize: 8))
    let noTensors = file("{}", four)
    #expect(
      decodeError(noTensors)
        == .trailingBytes(file: "corrupt.safetensors", covered: 0, bufferSize: 4))
    // A zero-size tensor inside another tensor's bytes is out of place too.
    let inside = file(
      "{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("z", "F32", "[0]", "[4,4]") + "}",
      four + four)
    #expect(
      decodeError(inside)
        == .overlappingTensors(file: "corrupt.safetensors", tensor: "z", previous: "a"))
  }

  @Test func byteCountMismatch() {
    let bytes = file("{" + entry("a", "F32", "[2]", "[0,4]") + "}", [0, 0, 0, 0])
    #expect(
      decodeError(bytes)
        == .byteCountMismatch(file: "corrupt.safetensors", tensor: "a", expected: 8, actual: 4))
    let half = file("{" + entry("h", "F16", "[3]", "[0,4]") + "}", [0, 0, 0, 0])
    #expect(
      decodeError(half)
        == .byteCountMismatch(file: "corrupt.safetensors", tensor: "h", expected: 6, actual: 4))
  }

  @Test func duplicateNames() {
    // The same tensor twice, even with the same offsets (which the reference lets through).
    let same = file(
      "{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("a", "F32", "[1]", "[0,4]") + "}",
      [0, 0, 0, 0])
    #expect(decodeError(same) == .duplicateName(file: "corrupt.safetensors", tensor: "a"))
    let metadata = file("{\"__metadata__\":{},\"__metadata__\":{}}")
    #expect(
      decodeError(metadata) == .duplicateName(file: "corrupt.safetensors", tensor: "__metadata__"))
  }

  @Test func invalidMetadata() {
    let tensor = entry("a", "F32", "[1]", "[0,4]")
    func error(_ metadata: String) -> SafetensorsError? {
      decodeError(file("{\"__metadata__\":" + metadata + "," + tensor + "}", [0, 0, 0, 0]))
    }
    #expect(
      error("{\"k\":1}")
        == .invalidMetadata(
          file: "corrupt.safetensors", key: "k", reason: "value is an integer, not a string"))
    guard case .invalidMetadata(_, "k", _) = error("{\"k\":{\"x\":\"y\"}}") else {
      Issue.record("expected invalidMetadata for a nested object")
      return
    }
    guard case .invalidMetadata(_, nil, _) = error("[\"k\"]") else {
      Issue.record("expected invalidMetadata for an array")
      return
    }
    guard case .invalidMetadata(_, "k", _) = error("{\"k\":\"v\",\"k\":\"w\"}") else {
      Issue.record("expected invalidMetadata for a repeated key")
      return
    }
  }

  @Test func acceptsWhatTheReferenceAccepts() throws {
    let four: [UInt8] = [0, 0, 0x80, 0x3F]
    // Tensors listed out of offset order, extra keys, a null __metadata__, whitespace around.
    let header =
      " {\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},\"__metadata__\":null, "
      + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":[1,{\"x\":null}]}}\n  "
    let f = try Safetensors.decode(file(header, four + four))
    #expect(f.names == ["a", "b"])
    #expect(f.metadata == [:])
    #expect(try f["b"]?.floats() == [1])
    // Zero-size tensors may share an offset with the next tensor.
    let z = try Safetensors.decode(
      file(
        "{" + entry("z", "F32", "[0]", "[0,0]") + "," + entry("a", "F32", "[1]", "[0,4]") + "}",
        four))
    #expect(z.names == ["a", "z"])
  }

  @Test func missingFileNamesThePath() {
    let path = "/nonexistent-descent-folder/model.safetensors"
    #expect(throws: SafetensorsError.fileNotFound(path: path)) { try Safetensors.read(path: path) }
    #expect(SafetensorsError.fileNotFound(path: path).description.contains(path))
  }

  // MARK: Encoding errors

  @Test func encodingRejectsInconsistentEntries() {
    let ok = SafetensorsEntry(name: "a", floats: [1], shape: [1])
    #expect(throws: SafetensorsError.duplicateName(file: "(in memory)", tensor: "a")) {
      try Safetensors.encode(SafetensorsFile(entries: [ok, ok]))
    }
    #expect(throws: SafetensorsError.reservedName(file: "(in memory)", tensor: "__metadata__")) {
      try Safetensors.encode(
        SafetensorsFile(entries: [SafetensorsEntry(name: "__metadata__", floats: [1], shape: [1])]))
    }
    let short = SafetensorsEntry(name: "s", dtype: .f32, shape: [2], bytes: [0, 0, 0, 0])
    #expect(
      throws: SafetensorsError.byteCountMismatch(
        file: "(in memory)", tensor: "s", expected: 8, actual: 4)
    ) {
      try Safetensors.encode(SafetensorsFile(entries: [short]))
    }
    #expect(throws: SafetensorsError.self) { try short.floats() }
  }

  // MARK: Atomic writes

  @Test func writeReplacesAnExistingFileAndLeavesNoTemporaryFile() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/state.safetensors"
    try Data("old contents".utf8).write(to: URL(fileURLWithPath: path))

    let new = SafetensorsFile(
      entries: [SafetensorsEntry(name: "x", floats: [1, 2], shape: [2])], metadata: ["v": "2"])
    try Safetensors.write(new, to: path)
    #expect(try Safetensors.read(path: path) == new)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["state.safetensors"])

    let newer = SafetensorsFile(entries: [
      SafetensorsEntry(name: "y", floats: [3], shape: [], dtype: .f16)
    ])
    try Safetensors.write(newer, to: path)
    #expect(try Safetensors.read(path: path) == newer)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["state.safetensors"])
  }

  @Test func failedWriteLeavesTheOldFileAndNoTemporaryFile() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/state.safetensors"
    let old = SafetensorsFile(entries: [SafetensorsEntry(name: "x", floats: [1], shape: [1])])
    try Safetensors.write(old, to: path)
    let oldBytes = try Data(contentsOf: URL(fileURLWithPath: path))

    // Encoding fails: nothing is written.
    let bad = SafetensorsFile(entries: [
      SafetensorsEntry(name: "s", dtype: .f32, shape: [2], bytes: [])
    ])
    #expect(throws: SafetensorsError.self) { try Safetensors.write(bad, to: path) }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == oldBytes)

    // The rename fails (the target is a non-empty folder): the temporary file is removed.
    let blocker = folder + "/blocked"
    try FileManager.default.createDirectory(
      atPath: blocker + "/inside", withIntermediateDirectories: true)
    guard case .io(let p, let operation, _) = catching({ try Safetensors.write(old, to: blocker) })
    else {
      Issue.record("expected an io error")
      return
    }
    #expect(p == blocker && operation == "rename")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == [
        "blocked", "state.safetensors",
      ])
    #expect(try FileManager.default.contentsOfDirectory(atPath: blocker) == ["inside"])

    // The folder does not exist: the error names the path.
    let nowhere = folder + "/missing/state.safetensors"
    let e = catching { try Safetensors.write(old, to: nowhere) }
    #expect(e?.description.contains(nowhere) == true)
  }
}

private func catching(_ body: () throws -> Void) -> SafetensorsError? {
  do {
    try body()
    return nil
  } catch {
    return error as? SafetensorsError
  }
}
