// swift-tools-version:6.0
// libFuzzer targets for Descent's parsers and decoders, kept out of the main package so that a
// plain `swift build` never needs the fuzzer runtime. Build and run through scripts/fuzz.sh.
import PackageDescription

// No top-level code: the entry point is TARGET_main, defined in each target (see FuzzDriver).
let entry: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
  name: "DescentFuzz",
  dependencies: [.package(name: "Descent", path: "..")],
  targets: [
    .target(name: "FuzzDriver"),
    .executableTarget(
      name: "FuzzSafetensors", dependencies: ["FuzzDriver", .product(name: "DescentTensor", package: "Descent")],
      swiftSettings: entry),
    .executableTarget(
      name: "FuzzImages", dependencies: ["FuzzDriver", .product(name: "DescentData", package: "Descent")],
      swiftSettings: entry),
    .executableTarget(
      name: "FuzzModelMetadata", dependencies: ["FuzzDriver", .product(name: "DescentLearn", package: "Descent")],
      swiftSettings: entry),
    .executableTarget(
      name: "FuzzChoiceFile", dependencies: ["FuzzDriver", .product(name: "DescentTensor", package: "Descent")],
      swiftSettings: entry),
  ]
)
