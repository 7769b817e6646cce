import DescentTensor
import FuzzDriver

/// Any bytes as a safetensors file must decode or throw, never crash or read out of bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  _ = try? Safetensors.decode(Array(UnsafeBufferPointer(start: data, count: size)), file: "fuzz")
  return 0
}

@_cdecl("FuzzSafetensors_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  descent_fuzz_main(argc, argv)
}
