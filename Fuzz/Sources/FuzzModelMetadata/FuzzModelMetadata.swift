import DescentLearn
import DescentTensor
import FuzzDriver

/// Any bytes as a saved model's file: the safetensors header decodes or throws, its metadata
/// reads as a saved model or throws a named field, and what reads writes back the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard let file = try? Safetensors.decode(Array(UnsafeBufferPointer(start: data, count: size)), file: "fuzz"),
        let metadata = try? SavedModelMetadata(file.metadata)
  else { return 0 }
  precondition((try? SavedModelMetadata(metadata.entries)) == metadata, "metadata does not round-trip: \(metadata)")
  return 0
}

@_cdecl("FuzzModelMetadata_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  descent_fuzz_main(argc, argv)
}
