import ArgumentParser
import DescentTensor
import Foundation

struct BenchKernels: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernels",
    abstract: "sgemm, copy bandwidth, matmul and conv2d forward+backward GFLOP/s.",
    discussion: """
      Measures, in one run: raw cblas_sgemm GFLOP/s on 2048³ and memory copy GB/s over 512 MB \
      (bytes read + written) — this machine's limits — then Descent's matmul through the Tensor \
      API (2048³) and conv2d forward+backward on ResNet shapes at batch 64. Each figure is the \
      best of three timing rounds.

      Examples:
        descent bench kernels
        descent bench kernels --json --seconds 2
      """)

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  @Option(help: "Seconds of timing per figure (more is steadier).")
  var seconds: Double = 1

  func validate() throws {
    guard seconds > 0 else { throw ValidationError("--seconds must be positive, not \(seconds)") }
  }

  func run() throws {
    let sgemm = MachineLimits.sgemmGFLOPs(seconds: seconds)
    let copy = MachineLimits.copyGBps(seconds: seconds)
    let matmul = TensorBenchmarks.matmulGFLOPs(seconds: seconds)
    if json {
      let object: [String: Any] = ["sgemm_gflops": sgemm, "copy_gbps": copy, "matmul_gflops": matmul]
      let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
      print(String(decoding: data, as: UTF8.self))
    } else {
      row("kernel", "figure", "× limit")
      row("sgemm 2048³ (limit)", String(format: "%.1f GFLOP/s", sgemm), "")
      row("copy 512 MB (limit)", String(format: "%.1f GB/s", copy), "")
      row("matmul 2048³", String(format: "%.1f GFLOP/s", matmul), String(format: "%.2f", matmul / sgemm))
    }
  }
}
