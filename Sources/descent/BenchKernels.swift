import ArgumentParser
import Dispatch
import DescentTensor
import Foundation

struct BenchKernels: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernels",
    abstract: "sgemm, copy bandwidth, matmul and conv2d forward+backward GFLOP/s.")

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  @Option(help: "Convolution algorithm: auto, dnnl, im2col or winograd.")
  var conv = "auto"

  @Flag(inversion: .prefixedNo, help: "Let --conv auto pick oneDNN's Winograd kernels.")
  var winograd = true

  @Flag(help: "Also time each convolution direction alone.")
  var directions = false

  /// The conv2d shapes judged against sgemm: a ResNet's three stages and its stem, batch 64.
  static let convShapes = [
    Conv2dGeometry(
      batch: 64, inChannels: 64, outChannels: 64, height: 32, width: 32, kernelHeight: 3, kernelWidth: 3,
      padH: 1, padW: 1),
    Conv2dGeometry(
      batch: 64, inChannels: 128, outChannels: 128, height: 16, width: 16, kernelHeight: 3, kernelWidth: 3,
      padH: 1, padW: 1),
    Conv2dGeometry(
      batch: 64, inChannels: 256, outChannels: 256, height: 8, width: 8, kernelHeight: 3, kernelWidth: 3,
      padH: 1, padW: 1),
    Conv2dGeometry(
      batch: 64, inChannels: 3, outChannels: 64, height: 128, width: 128, kernelHeight: 7, kernelWidth: 7,
      strideH: 2, strideW: 2, padH: 3, padW: 3),
  ]

  func run() throws {
    guard let algorithm = ConvolutionAlgorithm.allCases.first(where: { "\($0)" == conv }) else {
      throw ValidationError("--conv must be one of auto, dnnl, im2col, winograd")
    }
    ConvolutionKernels.algorithm = algorithm
    ConvolutionKernels.autoUsesWinograd = winograd
    let sgemm = Self.sgemmGFLOPs(size: 2048)
    var rows: [[String: Any]] = []
    for g in Self.convShapes {
      var row: [String: Any] = ["shape": "\(g)", "gflops": ConvolutionBenchmark.forwardBackwardGFLOPs(g)]
      row["algorithms"] = Dictionary(
        uniqueKeysWithValues: ConvolutionDirection.allCases.map {
          ($0.rawValue, "\(ConvolutionKernels.chosenAlgorithm(g, $0) ?? algorithm)")
        })
      if directions {
        row["directions"] = Dictionary(
          uniqueKeysWithValues: ConvolutionBenchmark.directionGFLOPs(g).map { ($0.key.rawValue, $0.value) })
      }
      rows.append(row)
    }
    let mean = rows.map { $0["gflops"] as! Double }.reduce(0, +) / Double(rows.count)
    if json {
      let object: [String: Any] = [
        "sgemm_2048_gflops": sgemm, "conv2d": rows, "conv2d_mean_gflops": mean, "conv2d_mean_over_sgemm": mean / sgemm,
      ]
      let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
      print(String(decoding: data, as: UTF8.self))
      return
    }
    for row in rows {
      let algorithms = row["algorithms"] as! [String: String]
      let chosen = ConvolutionDirection.allCases.map { "\($0.rawValue)=\(algorithms[$0.rawValue]!)" }
      print("conv2d \(row["shape"]!): \(Self.format(row["gflops"] as! Double)) GFLOP/s  [\(chosen.joined(separator: " "))]")
      if let each = row["directions"] as? [String: Double] {
        print("  " + ConvolutionDirection.allCases.map { "\($0.rawValue) \(Self.format(each[$0.rawValue]!))" }.joined(separator: "  "))
      }
    }
    print("conv2d mean: \(Self.format(mean)) GFLOP/s = \(String(format: "%.2f", mean / sgemm)) × sgemm")
    print("sgemm 2048³: \(Self.format(sgemm)) GFLOP/s")
  }

  static func format(_ gflops: Double) -> String { String(format: "%.1f", gflops) }

  /// Raw OpenBLAS sgemm on n³, best of five calls after a warm-up.
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
