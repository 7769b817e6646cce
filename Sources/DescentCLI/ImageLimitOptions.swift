import ArgumentParser
import DescentData

/// `--max-pixels`, for every command that decodes images: the decompression-bomb guard.
struct ImageLimitOptions: ParsableArguments {
  @Option(
    name: .customLong("max-pixels"), parsing: .unconditional,
    help: "Refuse, before decoding, an image whose header claims more pixels than this (default: Pillow's decompression-bomb limit, 178956970).")
  var maxPixels = ImageDecoder.defaultMaxPixels

  func validate() throws {
    guard maxPixels >= 1 else { throw ValidationError("--max-pixels must be at least 1, not \(maxPixels)") }
  }

  func apply() { ImageDecoder.maxPixels = maxPixels }
}
