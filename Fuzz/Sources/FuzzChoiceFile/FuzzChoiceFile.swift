@testable import DescentTensor
import FuzzDriver

/// Any text as conv-algorithms.tsv must parse or throw a line-numbered error; whatever parses
/// must format and parse back to the same entries.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  guard let entries = try? ConvolutionChoiceFile.parse(text, path: "fuzz") else { return 0 }
  let again = try? ConvolutionChoiceFile.parse(ConvolutionChoiceFile.format(entries), path: "fuzz")
  precondition(again == entries, "the choice file does not round-trip: \(entries)")
  return 0
}

@_cdecl("FuzzChoiceFile_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  descent_fuzz_main(argc, argv)
}
