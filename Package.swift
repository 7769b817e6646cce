// swift-tools-version:6.0
// Descent: layers as in DESIGN.md; arrows point down only.
import PackageDescription

// Numeric code is judged in release builds: no overflow traps, no exclusivity checks in hot loops.
// On x86-64, release code assumes AVX2 and FMA (every x86-64 CPU since 2013–2015): SIMD16 loops
// then run in 256-bit registers instead of SSE2's 128, and bfloat16 conversions use AVX2's
// widening moves (ResNet-50's bfloat16 batch norms: 160 → 107 ms a step on this machine).
#if arch(x86_64)
let cpu = ["-target-cpu", "haswell"]
#else
let cpu: [String] = []
#endif
let fast: [SwiftSetting] = [
  .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"] + cpu, .when(configuration: .release))
]

let package = Package(
  name: "Descent",
  products: [
    .library(name: "DescentTensor", targets: ["DescentTensor"]),
    .library(name: "DescentOptim", targets: ["DescentOptim"]),
    .library(name: "DescentNN", targets: ["DescentNN"]),
    .library(name: "DescentData", targets: ["DescentData"]),
    .library(name: "DescentDistributed", targets: ["DescentDistributed"]),
    .library(name: "DescentLearn", targets: ["DescentLearn"]),
    // The commands as a library: a user's own executable registers its optimizers and runs them.
    .library(name: "DescentCLI", targets: ["DescentCLI"]),
    .executable(name: "descent", targets: ["descent"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // C system libraries, wrapped once; only DescentTensor's backend calls them.
    .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
    // Header-only: vector square root for the SIMD kernels (nothing to link).
    .systemLibrary(name: "CVectorMath", path: "Sources/CVectorMath"),
    // Image codecs, wrapped once; only DescentData's decoders and encoders call them.
    .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG"),
    .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
    // 2D drawing (plots, image grids) with antialiasing and real fonts; only DescentData's Canvas calls it.
    .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
    // Open MPI, wrapped once; only DescentDistributed calls it.
    .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
    .target(name: "DescentTensor", dependencies: ["CDNNL", "CVectorMath"], swiftSettings: fast),
    // Data-parallel collectives over MPI (a world of one without mpirun).
    .target(name: "DescentDistributed", dependencies: ["CMPI"], swiftSettings: fast),
    .target(name: "DescentOptim", dependencies: ["DescentTensor"], swiftSettings: fast),
    .target(name: "DescentNN", dependencies: ["DescentTensor"], swiftSettings: fast),
    .target(name: "DescentData", dependencies: ["DescentTensor", "CTurboJPEG", "CPNG", "CCairo"], swiftSettings: fast),
    .target(
      name: "DescentLearn", dependencies: ["DescentTensor", "DescentOptim", "DescentNN", "DescentData", "DescentDistributed"], swiftSettings: fast),
    .target(
      name: "DescentCLI",
      dependencies: [
        "DescentTensor",
        "DescentOptim",
        "DescentNN",
        "DescentData",
        "DescentLearn",
        "DescentDistributed",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: fast),
    .executableTarget(name: "descent", dependencies: ["DescentCLI"], swiftSettings: fast),
    .testTarget(
      name: "DescentTensorTests", dependencies: ["DescentTensor"],
      // Reference/: the Python scripts that made the expected values; Resources/: their output
      // files, which tests open by path relative to #filePath.
      exclude: ["Reference", "Resources"]),
    .testTarget(
      name: "DescentNNTests", dependencies: ["DescentNN", "DescentTensor"],
      // Reference/: the PyTorch script behind the literals; Resources/: torchvision's key list
      // (and, where the script ran, its generated weight files).
      exclude: ["Reference", "Resources"]),
    .testTarget(
      name: "DescentOptimTests", dependencies: ["DescentOptim", "DescentTensor"],
      exclude: ["Reference"]),
    .testTarget(
      name: "DescentDataTests", dependencies: ["DescentData", "DescentTensor"],
      exclude: ["Reference"]),
    .testTarget(name: "DescentCLITests", dependencies: ["DescentCLI", "DescentDistributed", "DescentTensor"]),
    .testTarget(name: "DescentDistributedTests", dependencies: ["DescentDistributed"]),
    .testTarget(
      name: "DescentLearnTests", dependencies: ["DescentLearn", "DescentOptim", "DescentNN", "DescentTensor"],
      exclude: ["Reference"]),
  ]
)
