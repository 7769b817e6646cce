import ArgumentParser
import Dispatch
import DescentTensor

struct BenchKernels: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernels",
    abstract: "sgemm, copy bandwidth, matmul and conv2d forward+backward GFLOP/s.")

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  @Option(help: "Force a convolution algorithm: auto, dnnl, im2col or winograd.")
  var conv = "auto"

  @Flag(help: "Also print each convolution direction's GFLOP/s.")
  var directions = false

  /// The conv2d shapes judged against sgemm: a ResNet's three stages and its stem, batch 64.
  static let convShapes = [
    Conv2dGeometry(batch: 64, inChannels: 64, outChannels: 64, height: 32, width: 32, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1),
    Conv2dGeometry(batch: 64, inChannels: 128, outChannels: 128, height: 16, width: 16, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1),
    Conv2dGeometry(batch: 64, inChannels: 256, outChannels: 256, height: 8, width: 8, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1),
    Conv2dGeometry(batch: 64, inChannels: 3, outChannels: 64, height: 128, width: 128, kernelHeight: 7, kernelWidth: 7, strideH: 2, strideW: 2, padH: 3, padW: 3),
  ]

  func run() throws {
    guard let algorithm = ConvolutionAlgorithm.allCases.first(where: { "\($0)" == conv }) else {
      throw ValidationError("--conv must be auto, dnnl, im2col or winograd")
    }
    ConvolutionKernels.algorithm = algorithm
    let sgemm = Self.sgemmGFLOPs(size: 2048)
    var rates: [Double] = []
    for g in Self.convShapes {
      let rate = ConvolutionBenchmark.forwardBackwardGFLOPs(g)
      rates.append(rate)
      let chosen = ConvolutionDirection.allCases.map { "\($0)=\(ConvolutionKernels.chosenAlgorithm(g, $0).map { "\($0)" } ?? "\(algorithm)")" }
      print("conv2d \(g): \(String(format: "%.1f", rate)) GFLOP/s  [\(chosen.joined(separator: " "))]")
      if directions {
        let each = ConvolutionBenchmark.directionGFLOPs(g)
        print("  " + ConvolutionDirection.allCases.map { "\($0) \(String(format: "%.1f", each[$0]!))" }.joined(separator: "  "))
      }
    }
    let mean = rates.reduce(0, +) / Double(rates.count)
    print("conv2d mean: \(String(format: "%.1f", mean)) GFLOP/s = \(String(format: "%.2f", mean / sgemm)) × sgemm")
    print("sgemm 2048³: \(String(format: "%.1f", sgemm)) GFLOP/s")
  }

  /// Raw OpenBLAS sgemm on 2048³, best of five calls after a warm-up.
  static func sgemmGFLOPs(size n: Int) -> Double {
    let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    var best = Double.infinity
    for round in 0..<6 {
      let start = DispatchTime.now().uptimeNanoseconds
      c.withUnsafeMutableBufferPointer { c in
        BLAS.sgemm(transA: false, transB: false, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: c.baseAddress!, ldc: n)
      }
      if round > 0 { best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
    }
    return 2 * Double(n) * Double(n) * Double(n) / best / 1e9
  }
}
