// swift-tools-version:6.0
// libFuzzer targets for Descent's parsers and decoders, kept out of the main package so that a
// plain `swift build` never needs the fuzzer runtime. Build and run through scripts/fuzz.sh.
import PackageDescription

// No top-level code: the entry point is TARGET_main, defined in each target (see FuzzDriver).
let entry: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

/// Each fuzz target and the library it fuzzes.
let fuzzTargets: [(name: String, library: String)] = [
  ("FuzzSafetensors", "DescentTensor"), ("FuzzImages", "DescentData"), ("FuzzModelMetadata", "DescentLearn"),
  ("FuzzChoiceFile", "DescentTensor"),
]

let package = Package(
  name: "DescentFuzz",
  dependencies: [.package(name: "Descent", path: "..")],
  targets: [.target(name: "FuzzDriver")]
    + fuzzTargets.map { target in
      .executableTarget(
        name: target.name, dependencies: ["FuzzDriver", .product(name: target.library, package: "Descent")],
        swiftSettings: entry)
    }
)
