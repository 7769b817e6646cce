import DescentData
import Foundation
import FuzzDriver

/// Any bytes as an image file (JPEG or PNG by their first bytes) must decode or throw, never
/// crash, and never allocate for more pixels than the limit: a 4-megapixel limit keeps each run
/// within libFuzzer's memory bound while exercising the check.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  ImageDecoder.maxPixels = 1 << 22
  for channels in [1, 3] {
    _ = try? ImageDecoder.decode(Data(bytes: data, count: size), name: "fuzz", channels: channels)
  }
  return 0
}

@_cdecl("FuzzImages_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  descent_fuzz_main(argc, argv)
}
