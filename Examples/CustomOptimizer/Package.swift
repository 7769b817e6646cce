// swift-tools-version:6.0
// A package of one's own that puts its optimizers into Descent's study: `study compare --opts
// rmsprop,my-rmsprop,adabelief` trains them beside Descent's, with the same tables, summary,
// seeds, plots, TensorBoard runs and JSON.
import PackageDescription

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
      ]),
  ]
)
