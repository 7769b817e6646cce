import ArgumentParser

struct BenchKernels: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernels",
    abstract: "sgemm, copy bandwidth, matmul and conv2d forward+backward GFLOP/s.")

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  func run() throws {
    throw ValidationError("bench kernels is not built yet")
  }
}
