// swift-tools-version:6.0
// A package of one's own that puts its optimizers into Descent's study: `study compare --opts
// rmsprop,my-rmsprop,adabelief` trains them beside Descent's, with the same tables, summary,
// seeds, plots, TensorBoard runs and JSON, and `study bench optim` times them.
import PackageDescription

// Descent's loops assume AVX2 and FMA on x86-64 (every x86-64 CPU since 2013–2015). Steppers are
// fused into those loops in this package, so it is built the same way; otherwise their SIMD8
// code runs in SSE2 (`study bench optim`: my_rmsprop 1.12× the built-in RMSProp's time without
// this, 1.00× with it).
#if arch(x86_64)
let cpu: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))]
#else
let cpu: [SwiftSetting] = []
#endif

let package = Package(
  name: "CustomOptimizer",
  dependencies: [
    // Here Descent is this repository; a package elsewhere names it by URL, on a branch (its
    // release flags, -Ounchecked among them, are refused in a dependency pinned to a version):
    //   .package(url: "https://github.com/OWNER/descent", branch: "main")
    .package(name: "Descent", path: "../.."),
  ],
  targets: [
    .executableTarget(
      name: "study",
      dependencies: [
        .product(name: "DescentOptim", package: "Descent"),
        .product(name: "DescentCLI", package: "Descent"),
      ],
      swiftSettings: cpu),
  ]
)
