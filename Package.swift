// swift-tools-version:6.0
// Descent: layers as in DESIGN.md; arrows point down only.
import PackageDescription

// Numeric code is judged in release builds: no overflow traps, no exclusivity checks in hot loops.
let fast: [SwiftSetting] = [
  .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
  name: "Descent",
  products: [
    .library(name: "DescentTensor", targets: ["DescentTensor"]),
    .executable(name: "descent", targets: ["descent"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // C system libraries, wrapped once; only DescentTensor's backend calls them.
    .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
    .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
    .target(name: "DescentTensor", dependencies: ["COpenBLAS", "CDNNL"], swiftSettings: fast),
    .executableTarget(
      name: "descent",
      dependencies: [
        "DescentTensor",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: fast),
    // Reference/ holds the PyTorch scripts that produced the tests' literal values.
    .testTarget(name: "DescentTensorTests", dependencies: ["DescentTensor"], exclude: ["Reference"]),
  ]
)
