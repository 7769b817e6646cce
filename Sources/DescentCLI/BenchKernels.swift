import ArgumentParser
import DescentTensor
import Foundation

struct BenchKernels: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernels",
    abstract: "GEMM limits, copy bandwidth, matmul and conv2d forward+backward GFLOP/s.",
    discussion: """
      Measures, in one run, this machine's limits: oneDNN's dnnl_sgemm called directly on \
      2048³ (peak_sgemm_gflops), oneDNN's bfloat16 matmul on 2048³ with float32 output \
      (bf16_gemm_gflops) and memory copy GB/s over 512 MB (bytes read + written). Then \
      Descent's own GEMM path on 2048³ (sgemm_gflops), its matmul through the Tensor API, and \
      conv2d forward+backward (input, weight and bias gradients) on four ResNet shapes at \
      batch 64: 3×3 convolutions at 64×32×32, 128×16×16 and 256×8×8, and the 7×7 stride-2 \
      stem on 3×128×128. Ratios are against peak_sgemm_gflops. Then a training batch norm \
      with ReLU, forward and backward, on blocked 32×256×32×32 activations in float32 and in \
      bfloat16 (batchnorm_gbps: the ten activation-sized transfers its passes must make, \
      against copy_gbps: it is memory-bound at 1.0), and a ResNet block's residual add with its \
      ReLU, forward and backward through the Tensor API, on the same activations \
      (add_relu_gbps: six activation-sized transfers), and the batch norm, residual add and \
      ReLU of a block's end as one op (bn_add_relu_gbps: eleven transfers). Each figure is the \
      best of several timing rounds.

      Examples:
        descent bench kernels
        descent bench kernels --json --seconds 2
        descent bench kernels --conv im2col --directions
      """)

  @OptionGroup var json: JSONOutput

  @Option(help: "Seconds of timing per figure (more is steadier).")
  var seconds: Double = 1

  @Option(help: "Convolution algorithm: \(ConvolutionAlgorithm.argumentNames) (default: auto).", transform: ConvolutionAlgorithm.parse)
  var conv: ConvolutionAlgorithm = .auto

  @Flag(inversion: .prefixedNo, help: "Let --conv auto pick oneDNN's Winograd kernels.")
  var winograd = true

  @Flag(help: "Also time each convolution direction alone.")
  var directions = false

  /// The conv2d shapes judged against sgemm, with their JSON key suffixes.
  static let convShapes: [(key: String, geometry: Conv2dGeometry)] = [
    ("64x32x32", square3x3(channels: 64, size: 32)),
    ("128x16x16", square3x3(channels: 128, size: 16)),
    ("256x8x8", square3x3(channels: 256, size: 8)),
    (
      "stem7x7s2",
      Conv2dGeometry(
        batch: 64, inChannels: 3, outChannels: 64, height: 128, width: 128, kernelHeight: 7, kernelWidth: 7,
        strideH: 2, strideW: 2, padH: 3, padW: 3)
    ),
  ]

  static func square3x3(channels: Int, size: Int) -> Conv2dGeometry {
    Conv2dGeometry(
      batch: 64, inChannels: channels, outChannels: channels, height: size, width: size, kernelHeight: 3,
      kernelWidth: 3, padH: 1, padW: 1)
  }

  func validate() throws {
    guard seconds > 0 else { throw ValidationError("--seconds must be positive, not \(seconds)") }
  }

  func run() throws {
    ConvolutionKernels.algorithm = conv
    ConvolutionKernels.autoUsesWinograd = winograd
    let peak = MachineLimits.peakSgemmGFLOPs(seconds: seconds)
    let bf16 = MachineLimits.bf16GemmGFLOPs(seconds: seconds)
    let copy = MachineLimits.copyGBps(seconds: seconds)
    let sgemm = MachineLimits.sgemmGFLOPs(seconds: seconds)
    let matmul = TensorBenchmarks.matmulGFLOPs(seconds: seconds)
    let convFigures = Self.convShapes.map { ConvolutionBenchmark.forwardBackwardGFLOPs($0.geometry, seconds: seconds) }
    let convMean = convFigures.reduce(0, +) / Double(convFigures.count)
    let chosen = Self.convShapes.map { shape in
      ConvolutionDirection.allCases.map {
        "\($0.rawValue)=\(ConvolutionKernels.chosenAlgorithm(shape.geometry, $0).map { "\($0)" } ?? "\(conv)")"
      }.joined(separator: " ")
    }
    let batchNorm = (
      float32: TensorBenchmarks.batchNormGBps(element: .float32, seconds: seconds),
      bfloat16: TensorBenchmarks.batchNormGBps(element: .bfloat16, seconds: seconds)
    )
    let addReLU = (
      float32: TensorBenchmarks.addReLUGBps(element: .float32, seconds: seconds),
      bfloat16: TensorBenchmarks.addReLUGBps(element: .bfloat16, seconds: seconds)
    )
    let batchNormAddReLU = (
      float32: TensorBenchmarks.batchNormAddReLUGBps(element: .float32, seconds: seconds),
      bfloat16: TensorBenchmarks.batchNormAddReLUGBps(element: .bfloat16, seconds: seconds)
    )
    let perDirection = directions ? Self.convShapes.map { ConvolutionBenchmark.directionGFLOPs($0.geometry, seconds: seconds) } : []
    if json.isRequested {
      var conv: [String: Any] = ["mean": convMean]
      for (shape, figure) in zip(Self.convShapes, convFigures) { conv[shape.key] = figure }
      var object: [String: Any] = [
        "peak_sgemm_gflops": peak, "bf16_gemm_gflops": bf16, "sgemm_gflops": sgemm, "copy_gbps": copy,
        "matmul_gflops": matmul, "conv_gflops": conv,
        "batchnorm_gbps": ["float32": batchNorm.float32, "bfloat16": batchNorm.bfloat16],
        "add_relu_gbps": ["float32": addReLU.float32, "bfloat16": addReLU.bfloat16],
        "bn_add_relu_gbps": ["float32": batchNormAddReLU.float32, "bfloat16": batchNormAddReLU.bfloat16],
        "conv_algorithms": Dictionary(uniqueKeysWithValues: zip(Self.convShapes.map(\.key), chosen)),
      ]
      if directions {
        object["conv_direction_gflops"] = Dictionary(
          uniqueKeysWithValues: zip(Self.convShapes, perDirection).map { shape, each in
            (shape.key, Dictionary(uniqueKeysWithValues: each.map { ($0.key.rawValue, $0.value) }))
          })
      }
      try json.write(object)
      if json.toStandardOutput { return }
    }
    row("kernel", "figure", "× peak sgemm")
    row("sgemm 2048³ (limit)", String(format: "%.1f GFLOP/s", peak), "")
    row("bf16 matmul 2048³ (limit)", String(format: "%.1f GFLOP/s", bf16), String(format: "%.2f", bf16 / peak))
    row("copy 512 MB (limit)", String(format: "%.1f GB/s", copy), "")
    row("Descent GEMM 2048³", String(format: "%.1f GFLOP/s", sgemm), String(format: "%.2f", sgemm / peak))
    row("matmul 2048³", String(format: "%.1f GFLOP/s", matmul), String(format: "%.2f", matmul / peak))
    for (index, shape) in Self.convShapes.enumerated() {
      row("conv2d \(shape.key) fwd+bwd", String(format: "%.1f GFLOP/s", convFigures[index]),
          String(format: "%.2f", convFigures[index] / peak))
    }
    row("conv2d mean", String(format: "%.1f GFLOP/s", convMean), String(format: "%.2f", convMean / peak))
    row("batch norm+ReLU fwd+bwd float32", String(format: "%.1f GB/s", batchNorm.float32), String(format: "%.2f × copy", batchNorm.float32 / copy))
    row("batch norm+ReLU fwd+bwd bfloat16", String(format: "%.1f GB/s", batchNorm.bfloat16), String(format: "%.2f × copy", batchNorm.bfloat16 / copy))
    row("residual add+ReLU fwd+bwd float32", String(format: "%.1f GB/s", addReLU.float32), String(format: "%.2f × copy", addReLU.float32 / copy))
    row("residual add+ReLU fwd+bwd bfloat16", String(format: "%.1f GB/s", addReLU.bfloat16), String(format: "%.2f × copy", addReLU.bfloat16 / copy))
    for (name, figure) in [("float32", batchNormAddReLU.float32), ("bfloat16", batchNormAddReLU.bfloat16)] {
      row("batch norm+add+ReLU fwd+bwd \(name)", String(format: "%.1f GB/s", figure), String(format: "%.2f × copy", figure / copy))
    }
    for (shape, algorithms) in zip(Self.convShapes, chosen) { print("  \(shape.key): \(algorithms)") }
    for (shape, each) in zip(Self.convShapes, perDirection) {
      print("  \(shape.key) alone: " + ConvolutionDirection.allCases.map {
        String(format: "%@ %.1f", $0.rawValue, each[$0] ?? 0)
      }.joined(separator: "  "))
    }
  }
}
