import Foundation
import Testing

@testable import DescentTensor

/// The file that keeps `.auto`'s convolution choices across runs: its format, its errors, and
/// that writing keeps other machines' lines.
@Suite struct ConvolutionChoiceFileTests {
  typealias Entry = ConvolutionChoiceFile.Entry

  static let stem = Conv2dGeometry(
    batch: 128, inChannels: 3, outChannels: 64, height: 28, width: 28, kernelHeight: 7, kernelWidth: 7,
    strideH: 2, strideW: 2, padH: 3, padW: 3)
  static let odd = Conv2dGeometry(
    batch: 2, inChannels: 4, outChannels: 6, height: 7, width: 9, kernelHeight: 2, kernelWidth: 3,
    strideH: 1, strideW: 2, padH: 0, padW: 1, dilationH: 2, dilationW: 1, groups: 2)

  @Test func formatThenParseGivesTheEntriesBack() throws {
    let entries = [
      Entry(machine: "CPU A; threads 2; oneDNN 2.6.3", key: .init(geometry: Self.stem, direction: .forward), algorithm: .dnnl),
      Entry(machine: "CPU A; threads 2; oneDNN 2.6.3", key: .init(geometry: Self.odd, direction: .backwardWeights), algorithm: .im2col),
      Entry(machine: "CPU B; threads 8; oneDNN 2.6.3", key: .init(geometry: Self.stem, direction: .backwardData), algorithm: .winograd),
      // The same convolution on blocked activations is a choice of its own.
      Entry(
        machine: "CPU B; threads 8; oneDNN 2.6.3", key: .init(geometry: Self.stem, direction: .backwardData, blocked: true),
        algorithm: .dnnl),
      // Mixed precision's choice for a pass: bf16, or the float32 algorithm that beat it.
      Entry(
        machine: "CPU B; threads 8; oneDNN 2.6.3",
        key: .init(geometry: Self.stem, direction: .backwardData, blocked: true, mixed: true), algorithm: .bf16),
      Entry(machine: "CPU B; threads 8; oneDNN 2.6.3", key: .init(geometry: Self.stem, direction: .forward, mixed: true), algorithm: .im2col),
    ]
    let text = ConvolutionChoiceFile.format(entries)
    #expect(text.contains("CPU B; threads 8; oneDNN 2.6.3\tbackwardData@nChw16c@mixed\t128,3,64,28,28,7,7,2,2,3,3,1,1,1\tbf16\n"))
    #expect(text.contains("CPU B; threads 8; oneDNN 2.6.3\tforward@mixed\t128,3,64,28,28,7,7,2,2,3,3,1,1,1\tim2col\n"))
    #expect(text.contains("CPU A; threads 2; oneDNN 2.6.3\tforward\t128,3,64,28,28,7,7,2,2,3,3,1,1,1\tdnnl\n"))
    #expect(text.contains("CPU B; threads 8; oneDNN 2.6.3\tbackwardData@nChw16c\t128,3,64,28,28,7,7,2,2,3,3,1,1,1\tdnnl\n"))
    #expect(try ConvolutionChoiceFile.parse(text, path: "c.tsv") == entries)
  }

  /// A checkpoint's choices are taken over this process's, whatever machine made them, and come
  /// back in `choicesText` (a geometry no other test uses, so the process-wide cache is safe).
  @Test func adoptedChoicesAreUsedAndWrittenBack() throws {
    let g = Conv2dGeometry(batch: 3, inChannels: 5, outChannels: 7, height: 11, width: 13, kernelHeight: 3, kernelWidth: 3,
                           strideH: 1, strideW: 1, padH: 1, padW: 1)
    let text = ConvolutionChoiceFile.format([
      Entry(machine: "another CPU; threads 64; oneDNN 9.9.9", key: .init(geometry: g, direction: .backwardWeights), algorithm: .im2col),
    ])
    try ConvolutionKernels.adoptChoices(text, source: "ck.safetensors")
    #expect(ConvolutionKernels.chosenAlgorithm(g, .backwardWeights) == .im2col)
    #expect(ConvolutionKernels.choicesText.contains("\tbackwardWeights\t3,5,7,11,13,3,3,1,1,1,1,1,1,1\tim2col\n"))
    #expect(throws: ConvolutionChoiceFile.FormatError.self) { try ConvolutionKernels.adoptChoices("a\tb\n", source: "ck.safetensors") }
  }

  @Test func geometryFieldsGiveTheGeometryBack() {
    #expect(Self.odd.fields == [2, 4, 6, 7, 9, 2, 3, 1, 2, 0, 1, 2, 1, 2])
    #expect(Conv2dGeometry(fields: Self.odd.fields) == Self.odd)
    #expect(Conv2dGeometry(fields: Array(Self.odd.fields.dropLast())) == nil)
    #expect(Conv2dGeometry(fields: [2, 4, 6, 7, 9, 2, 3, 1, 2, 0, 1, 2, 1, 4]) == nil)  // 6 channels, 4 groups
  }

  @Test(arguments: [
    ("m\tforward\t1,1,1,4,4,3,3,1,1,1,1,1,1,1", "c.tsv:3: expected 4 tab-separated fields, found 3"),
    ("m\tsideways\t1,1,1,4,4,3,3,1,1,1,1,1,1,1\tdnnl", "c.tsv:3: unknown direction 'sideways'"),
    ("m\tforward@nhwc\t1,1,1,4,4,3,3,1,1,1,1,1,1,1\tdnnl", "c.tsv:3: unknown direction 'forward@nhwc'"),
    ("m\tforward\t1,1,1,4,4,3,3\tdnnl", "c.tsv:3: geometry '1,1,1,4,4,3,3' is not 14 non-negative integers"),
    ("m\tforward\t1,1,1,4,4,3,3,0,1,1,1,1,1,1\tdnnl", "c.tsv:3: geometry '1,1,1,4,4,3,3,0,1,1,1,1,1,1' is not a valid convolution"),
    ("m\tforward\t1,1,1,2,2,5,5,1,1,0,0,1,1,1\tdnnl", "c.tsv:3: geometry '1,1,1,2,2,5,5,1,1,0,0,1,1,1' is not a valid convolution"),
    // A kernel one row larger than the input, stride 2: (2 - 3) / 2 + 1 truncates to 1 output row.
    ("m\tforward\t1,1,1,2,4,3,3,2,1,0,0,1,1,1\tdnnl", "c.tsv:3: geometry '1,1,1,2,4,3,3,2,1,0,0,1,1,1' is not a valid convolution"),
    // Numbers whose extents overflow Int (found by FuzzChoiceFile): an error, not a crash.
    ("m\tforward\t1,1,1,4,4,3,9223372036854775807,1,1,1,1,1,2,1\tdnnl",
     "c.tsv:3: geometry '1,1,1,4,4,3,9223372036854775807,1,1,1,1,1,2,1' is not a valid convolution"),
    ("m\tforward\t4611686018427387904,2,2,4611686018427387904,4,3,3,1,1,1,1,1,1,1\tdnnl",
     "c.tsv:3: geometry '4611686018427387904,2,2,4611686018427387904,4,3,3,1,1,1,1,1,1,1' is not a valid convolution"),
    ("m\tforward\t1,1,1,4,4,3,3,1,1,1,1,1,1,1\tauto", "c.tsv:3: unknown algorithm 'auto'"),
    ("m\tforward\t1,1,1,4,4,3,3,1,1,1,1,1,1,1\tfft", "c.tsv:3: unknown algorithm 'fft'"),
    // bf16 is a precision mixed precision chose, not an algorithm to run in float32.
    ("m\tforward@nChw16c\t1,1,1,4,4,3,3,1,1,1,1,1,1,1\tbf16", "c.tsv:3: unknown algorithm 'bf16'"),
    ("m\tforward@mixed@mixed\t1,1,1,4,4,3,3,1,1,1,1,1,1,1\tbf16", "c.tsv:3: unknown direction 'forward@mixed@mixed'"),
  ])
  func aBadLineIsNamed(line: String, message: String) {
    let text = "# comment\n\n\(line)\n"
    #expect(throws: ConvolutionChoiceFile.FormatError.self) { try ConvolutionChoiceFile.parse(text, path: "c.tsv") }
    do {
      _ = try ConvolutionChoiceFile.parse(text, path: "c.tsv")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test func writingKeepsOtherMachinesAndReadsBack() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("choices-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("conv-algorithms.tsv").path
    #expect(try ConvolutionChoiceFile.read(path).isEmpty)  // a missing file holds no choices

    let other = Entry(machine: "other", key: .init(geometry: Self.odd, direction: .forward), algorithm: .winograd)
    try FileIO.writeAtomically(Array(ConvolutionChoiceFile.format([other]).utf8), to: path)
    let store = ConvolutionChoiceFile.Store(path: path, machine: "this", onWriteError: { _ in })
    let key = ConvolutionAlgorithmCache.Key(geometry: Self.stem, direction: .backwardWeights)
    ConvolutionChoiceFile.write(store, choices: [key: .im2col])
    #expect(try ConvolutionChoiceFile.read(path) == [other, Entry(machine: "this", key: key, algorithm: .im2col)])

    // Another process of this machine wrote a choice since: a later write keeps it, and
    // replaces only the entries it has itself.
    let second = Entry(machine: "this", key: .init(geometry: Self.odd, direction: .backwardData), algorithm: .dnnl)
    try FileIO.writeAtomically(Array(ConvolutionChoiceFile.format(try ConvolutionChoiceFile.read(path) + [second]).utf8), to: path)
    ConvolutionChoiceFile.write(store, choices: [key: .winograd])
    #expect(try ConvolutionChoiceFile.read(path) == [other, second, Entry(machine: "this", key: key, algorithm: .winograd)])

    // A write that cannot happen reports its error and leaves no file.
    let missing = folder.appendingPathComponent("no/such/folder/c.tsv").path
    final class Failures: Sendable { let messages = Locked<[String]>([]) }
    let failures = Failures()
    let failing = ConvolutionChoiceFile.Store(path: missing, machine: "this", onWriteError: { error in
      failures.messages.withLock { $0.append("\(error)") }
    })
    ConvolutionChoiceFile.write(failing, choices: [key: .dnnl])
    #expect(failures.messages.withLock { $0 }.map { $0.hasPrefix(missing) } == [true])
    #expect(!FileManager.default.fileExists(atPath: missing))
  }

  @Test func theMachineNamesTheThreadCountAndOneDNN() {
    let machine = ConvolutionChoiceFile.currentMachine
    #expect(machine.contains("; threads \(Parallel.threads); oneDNN 2."))
    #expect(!machine.contains("\t") && !machine.contains("\n"))
  }
}
