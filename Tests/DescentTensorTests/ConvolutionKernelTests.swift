import Foundation
import Testing

@testable import DescentTensor

/// Both convolution algorithms against a direct-loop reference, and against PyTorch.
@Suite struct ConvolutionKernelTests {
  static let forcedAlgorithms: [ConvolutionAlgorithm] = [.dnnl, .im2col, .winograd, .smallMap, .auto]

  /// Small shapes covering every option of the geometry (debug builds are slow).
  static let geometries: [Conv2dGeometry] = [
    // 3×3, padding 1, several workers' worth of images
    Conv2dGeometry(batch: 3, inChannels: 3, outChannels: 4, height: 6, width: 5, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1),
    // stride 2 with padding
    Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 5, height: 9, width: 8, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2, padH: 1, padW: 1),
    // dilation 2, one image (a single worker with multi-threaded GEMMs)
    Conv2dGeometry(batch: 1, inChannels: 2, outChannels: 3, height: 9, width: 9, kernelHeight: 3, kernelWidth: 3, padH: 2, padW: 2, dilationH: 2, dilationW: 2),
    // groups 2
    Conv2dGeometry(batch: 2, inChannels: 4, outChannels: 6, height: 6, width: 7, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1, groups: 2),
    // depthwise
    Conv2dGeometry(batch: 2, inChannels: 4, outChannels: 4, height: 6, width: 6, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1, groups: 4),
    // depthwise with channel multiplier 2
    Conv2dGeometry(batch: 1, inChannels: 3, outChannels: 6, height: 5, width: 5, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1, groups: 3),
    // non-square kernel, unequal strides, paddings and dilations
    Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 4, height: 7, width: 9, kernelHeight: 2, kernelWidth: 3, strideH: 1, strideW: 2, padH: 0, padW: 1, dilationH: 2, dilationW: 1),
    // 1×1: the image is its own im2col matrix
    Conv2dGeometry(batch: 2, inChannels: 5, outChannels: 3, height: 4, width: 4, kernelHeight: 1, kernelWidth: 1),
    // 1×1 with more input than output channels, over several 16-channel blocks: oneDNN
    // reorders the weight gradient back to plain as an [O, I] matrix
    Conv2dGeometry(batch: 2, inChannels: 40, outChannels: 24, height: 3, width: 3, kernelHeight: 1, kernelWidth: 1),
    // 1×1 stride 2: the last row and column are never read
    Conv2dGeometry(batch: 2, inChannels: 4, outChannels: 3, height: 7, width: 7, kernelHeight: 1, kernelWidth: 1, strideH: 2, strideW: 2),
    // a ResNet stem in miniature: 7×7, stride 2, padding 3
    Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 8, height: 16, width: 16, kernelHeight: 7, kernelWidth: 7, strideH: 2, strideW: 2, padH: 3, padW: 3),
    // channels that are not multiples of oneDNN's 16-wide blocks
    Conv2dGeometry(batch: 3, inChannels: 20, outChannels: 18, height: 5, width: 5, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1),
    // shapes oneDNN's Winograd kernels cover (16-channel blocks, 3×3, stride 1)
    Conv2dGeometry(batch: 2, inChannels: 16, outChannels: 16, height: 8, width: 8, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1),
    Conv2dGeometry(batch: 3, inChannels: 32, outChannels: 16, height: 9, width: 7, kernelHeight: 3, kernelWidth: 3),
  ]

  @Test(arguments: forcedAlgorithms, geometries)
  func forwardMatchesDirectLoops(algorithm: ConvolutionAlgorithm, g: Conv2dGeometry) {
    let x = pattern(g.inputCount, 0.37), w = pattern(g.weightCount, 0.23, scale: 0.5)
    let b = pattern(g.outChannels, 0.9)
    for bias in [b, nil] {
      let expected = NaiveConvolution.forward(g, input: x, weight: w, bias: bias)
      let actual = Kernels.forward(g, algorithm, input: x, weight: w, bias: bias)
      expectClose(actual, expected, "forward \(algorithm) bias \(bias != nil) \(g)")
    }
  }

  @Test(arguments: forcedAlgorithms, geometries)
  func backwardDataMatchesDirectLoops(algorithm: ConvolutionAlgorithm, g: Conv2dGeometry) {
    let dy = pattern(g.outputCount, 0.11), w = pattern(g.weightCount, 0.23, scale: 0.5)
    let expected = NaiveConvolution.backwardData(g, gradOutput: dy, weight: w)
    let actual = Kernels.backwardData(g, algorithm, gradOutput: dy, weight: w)
    expectClose(actual, expected, "backwardData \(algorithm) \(g)")
  }

  @Test(arguments: forcedAlgorithms, geometries)
  func backwardWeightsMatchesDirectLoops(algorithm: ConvolutionAlgorithm, g: Conv2dGeometry) {
    let x = pattern(g.inputCount, 0.37), dy = pattern(g.outputCount, 0.11)
    let (expectedW, expectedB) = NaiveConvolution.backwardWeights(g, input: x, gradOutput: dy)
    for withBias in [true, false] {
      let (dW, dB) = Kernels.backwardWeights(g, algorithm, input: x, gradOutput: dy, withBias: withBias)
      expectClose(dW, expectedW, "backwardWeights \(algorithm) bias \(withBias) \(g)")
      if withBias { expectClose(dB!, expectedB, "backwardBias \(algorithm) \(g)") }
    }
  }

  @Test(arguments: forcedAlgorithms)
  func matchesPyTorchStride2Padding1Bias(algorithm: ConvolutionAlgorithm) {
    let g = Conv2dGeometry(
      batch: 2, inChannels: 3, outChannels: 4, height: 7, width: 6, kernelHeight: 3, kernelWidth: 3,
      strideH: 2, strideW: 2, padH: 1, padW: 1)
    checkAgainstPyTorch(
      g, algorithm, output: TorchStride2Pad1Bias.output, gradInput: TorchStride2Pad1Bias.gradInput,
      gradWeight: TorchStride2Pad1Bias.gradWeight, gradBias: TorchStride2Pad1Bias.gradBias)
  }

  @Test(arguments: forcedAlgorithms)
  func matchesPyTorchGroups2Dilation2(algorithm: ConvolutionAlgorithm) {
    let g = Conv2dGeometry(
      batch: 1, inChannels: 4, outChannels: 6, height: 7, width: 8, kernelHeight: 3, kernelWidth: 3,
      padH: 2, padW: 2, dilationH: 2, dilationW: 2, groups: 2)
    checkAgainstPyTorch(
      g, algorithm, output: TorchGroups2Dilation2.output, gradInput: TorchGroups2Dilation2.gradInput,
      gradWeight: TorchGroups2Dilation2.gradWeight, gradBias: nil)
  }

  /// im2col's per-worker scratch and partial sums, with more workers than this machine's cores.
  @Test(arguments: [3, 5], [Self.geometries[0], Self.geometries[3], Self.geometries[9]])
  func im2colWithManyWorkers(workers: Int, g0: Conv2dGeometry) {
    var g = g0
    g.batch = 6
    let x = pattern(g.inputCount, 0.37), w = pattern(g.weightCount, 0.23, scale: 0.5)
    let dy = pattern(g.outputCount, 0.11), b = pattern(g.outChannels, 0.9)
    var y = [Float](repeating: .nan, count: g.outputCount)
    Im2colConvolution.forward(g, input: x, weight: w, bias: b, output: &y, workers: workers)
    expectClose(y, NaiveConvolution.forward(g, input: x, weight: w, bias: b), "forward, \(workers) workers")
    var dx = [Float](repeating: .nan, count: g.inputCount)
    Im2colConvolution.backwardData(g, gradOutput: dy, weight: w, gradInput: &dx, workers: workers)
    expectClose(dx, NaiveConvolution.backwardData(g, gradOutput: dy, weight: w), "backwardData, \(workers) workers")
    let (expectedW, expectedB) = NaiveConvolution.backwardWeights(g, input: x, gradOutput: dy)
    for withBias in [false, true] {
      var dW = [Float](repeating: .nan, count: g.weightCount)
      var dB = [Float](repeating: .nan, count: g.outChannels)
      dW.withUnsafeMutableBufferPointer { dW in
        dB.withUnsafeMutableBufferPointer { dB in
          Im2colConvolution.backwardWeights(
            g, input: x, gradOutput: dy, gradWeight: dW.baseAddress!, gradBias: withBias ? dB.baseAddress : nil,
            workers: workers)
        }
      }
      expectClose(dW, expectedW, "backwardWeights, \(workers) workers, bias \(withBias)")
      if withBias { expectClose(dB, expectedB, "backwardBias, \(workers) workers") }
    }
  }

  /// bfloat16 convolutions round their inputs (activations, weights, incoming gradients) to
  /// bfloat16 and accumulate in float32: they match the float32 loops run on inputs rounded the
  /// same way (round to nearest even) to float32 accuracy, and differ from the unrounded ones.
  @Test(arguments: [Self.geometries[0], Self.geometries[3], Self.geometries[9]])
  func bfloat16RoundsInputsAndAccumulatesInFloat32(g: Conv2dGeometry) {
    let x = pattern(g.inputCount, 0.37), w = pattern(g.weightCount, 0.23, scale: 0.5)
    let dy = pattern(g.outputCount, 0.11), b = pattern(g.outChannels, 0.9)
    let (xr, wr, dyr) = (x.map(BFloat16.rounded), w.map(BFloat16.rounded), dy.map(BFloat16.rounded))
    var y = [Float](repeating: .nan, count: g.outputCount)
    ConvolutionKernels.forward(g, input: x, weight: w, bias: b, output: &y, precision: .bfloat16)
    expectClose(y, NaiveConvolution.forward(g, input: xr, weight: wr, bias: b), "forward bfloat16 \(g)")
    #expect(y != NaiveConvolution.forward(g, input: x, weight: w, bias: b))
    var dx = [Float](repeating: .nan, count: g.inputCount)
    ConvolutionKernels.backwardData(g, gradOutput: dy, weight: w, gradInput: &dx, precision: .bfloat16)
    expectClose(dx, NaiveConvolution.backwardData(g, gradOutput: dyr, weight: wr), "backwardData bfloat16 \(g)")
    var dW = [Float](repeating: .nan, count: g.weightCount), dB = [Float](repeating: .nan, count: g.outChannels)
    ConvolutionKernels.backwardWeights(g, input: x, gradOutput: dy, gradWeight: &dW, gradBias: &dB, precision: .bfloat16)
    let (dWExpected, dBExpected) = NaiveConvolution.backwardWeights(g, input: xr, gradOutput: dyr)
    expectClose(dW, dWExpected, "backwardWeights bfloat16 \(g)")
    expectClose(dB, dBExpected, "backwardBias bfloat16 \(g)")
  }

  /// oneDNN's blocked copies live in scratch shared by every plan; channel counts that are not
  /// multiples of 16 have padding there that must be zeroed again on each run.
  @Test(arguments: [ConvolutionAlgorithm.dnnl, .im2col], [Self.geometries[9], Self.geometries[10]])
  func sharedScratchIsNotTrusted(algorithm: ConvolutionAlgorithm, g: Conv2dGeometry) {
    let x = pattern(g.inputCount, 0.37), w = pattern(g.weightCount, 0.23, scale: 0.5)
    let dy = pattern(g.outputCount, 0.11), b = pattern(g.outChannels, 0.9)
    for _ in 0..<2 {
      ScratchPool.fillFree(with: .nan)
      expectClose(
        Kernels.forward(g, algorithm, input: x, weight: w, bias: b),
        NaiveConvolution.forward(g, input: x, weight: w, bias: b), "forward after NaN scratch")
      ScratchPool.fillFree(with: .nan)
      expectClose(
        Kernels.backwardData(g, algorithm, gradOutput: dy, weight: w),
        NaiveConvolution.backwardData(g, gradOutput: dy, weight: w), "backwardData after NaN scratch")
      ScratchPool.fillFree(with: .nan)
      let (dW, dB) = Kernels.backwardWeights(g, algorithm, input: x, gradOutput: dy, withBias: true)
      let (expectedW, expectedB) = NaiveConvolution.backwardWeights(g, input: x, gradOutput: dy)
      expectClose(dW, expectedW, "backwardWeights after NaN scratch")
      expectClose(dB!, expectedB, "backwardBias after NaN scratch")
    }
  }

  /// On machines with oneDNN's Winograd kernels (AVX-512), the 16-channel test shapes do run
  /// Winograd, so the tests above check its numbers; elsewhere `.winograd` runs direct.
  @Test(arguments: ConvolutionDirection.allCases)
  func winogradRunsWhereAvailable(direction: ConvolutionDirection) {
    let g = Self.geometries[Self.geometries.count - 2]
    let stride2 = Self.geometries[1]
    #expect(!DNNLConvolutionCache.supportsWinograd(stride2, direction, hasBias: false))
    guard DNNLConvolutionCache.supportsWinograd(g, direction, hasBias: false) else { return }
    let key = DNNLConvolutionCache.Key(geometry: g, direction: direction, hasBias: false, winograd: true)
    let implementation = DNNLConvolutionCache.withPlan(key) { $0.implementation }
    #expect(implementation.contains("wino"), "\(implementation)")
  }

  @Test func geometryArithmetic() {
    let g = Conv2dGeometry(
      batch: 64, inChannels: 3, outChannels: 64, height: 128, width: 128, kernelHeight: 7, kernelWidth: 7,
      strideH: 2, strideW: 2, padH: 3, padW: 3)
    #expect(g.outHeight == 64 && g.outWidth == 64)
    let flops: Double = 2 * 64 * 64 * (64 * 64) * (3 * 49)
    #expect(g.forwardFlops == flops)
    let d = Conv2dGeometry(
      batch: 1, inChannels: 4, outChannels: 4, height: 10, width: 9, kernelHeight: 3, kernelWidth: 2,
      strideH: 2, dilationH: 3, dilationW: 2, groups: 2)
    #expect(d.outHeight == 2 && d.outWidth == 7)
    #expect(d.weightCount == 4 * 2 * 3 * 2)
  }

  // MARK: Helpers

  func checkAgainstPyTorch(
    _ g: Conv2dGeometry, _ algorithm: ConvolutionAlgorithm,
    output: [Float], gradInput: [Float], gradWeight: [Float], gradBias: [Float]?
  ) {
    // The formulas of conv2d_reference.py.
    let x = (0..<g.inputCount).map { Float(sin(0.37 * Double($0))) }
    let w = (0..<g.weightCount).map { Float(0.5 * cos(0.23 * Double($0))) }
    let b = gradBias == nil ? nil : (0..<g.outChannels).map { Float(0.1 * Double($0) - 0.2) }
    let dy = (0..<g.outputCount).map { Float(sin(0.11 * Double($0) + 1)) }
    expectClose(Kernels.forward(g, algorithm, input: x, weight: w, bias: b), output, "PyTorch output \(algorithm)")
    expectClose(Kernels.backwardData(g, algorithm, gradOutput: dy, weight: w), gradInput, "PyTorch gradInput \(algorithm)")
    let (dW, dB) = Kernels.backwardWeights(g, algorithm, input: x, gradOutput: dy, withBias: gradBias != nil)
    expectClose(dW, gradWeight, "PyTorch gradWeight \(algorithm)")
    if let gradBias { expectClose(dB!, gradBias, "PyTorch gradBias \(algorithm)") }
  }
}

/// Deterministic test data: sin of a multiple of the flat index.

private func pattern(_ count: Int, _ step: Double, scale: Double = 1) -> [Float] {
  (0..<count).map { Float(scale * sin(step * Double($0) + 0.5)) }
}

/// Relative tolerance 1e-4 with an absolute floor of 1e-5.
private func expectClose(
  _ actual: [Float], _ expected: [Float], _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.count == expected.count, "\(what): count", sourceLocation: sourceLocation)
  var worst = 0, worstExcess: Float = 0
  for i in 0..<Swift.min(actual.count, expected.count) {
    let tolerance = Swift.max(1e-4 * abs(expected[i]), 1e-5)
    let excess = abs(actual[i] - expected[i]) / tolerance
    if !(excess <= 1) && !(excess <= worstExcess) { (worst, worstExcess) = (i, excess.isNaN ? .infinity : excess) }
  }
  #expect(
    worstExcess <= 1,
    "\(what): element \(worst) is \(actual[worst]), expected \(expected[worst])", sourceLocation: sourceLocation)
}

/// The kernels on Swift arrays, with outputs pre-filled with NaN to prove they are overwritten.
private enum Kernels {
  static func forward(
    _ g: Conv2dGeometry, _ algorithm: ConvolutionAlgorithm, input: [Float], weight: [Float], bias: [Float]?
  ) -> [Float] {
    var y = [Float](repeating: .nan, count: g.outputCount)
    y.withUnsafeMutableBufferPointer { y in
      if let bias {
        bias.withUnsafeBufferPointer { b in
          ConvolutionKernels.forward(
            g, input: input, weight: weight, bias: b.baseAddress, output: y.baseAddress!, using: algorithm)
        }
      } else {
        ConvolutionKernels.forward(g, input: input, weight: weight, bias: nil, output: y.baseAddress!, using: algorithm)
      }
    }
    return y
  }

  static func backwardData(
    _ g: Conv2dGeometry, _ algorithm: ConvolutionAlgorithm, gradOutput: [Float], weight: [Float]
  ) -> [Float] {
    var dx = [Float](repeating: .nan, count: g.inputCount)
    ConvolutionKernels.backwardData(g, gradOutput: gradOutput, weight: weight, gradInput: &dx, using: algorithm)
    return dx
  }

  static func backwardWeights(
    _ g: Conv2dGeometry, _ algorithm: ConvolutionAlgorithm, input: [Float], gradOutput: [Float], withBias: Bool
  ) -> ([Float], [Float]?) {
    var dW = [Float](repeating: .nan, count: g.weightCount)
    var dB = [Float](repeating: .nan, count: g.outChannels)
    dW.withUnsafeMutableBufferPointer { dW in
      dB.withUnsafeMutableBufferPointer { dB in
        ConvolutionKernels.backwardWeights(
          g, input: input, gradOutput: gradOutput, gradWeight: dW.baseAddress!,
          gradBias: withBias ? dB.baseAddress : nil, using: algorithm)
      }
    }
    return (dW, withBias ? dB : nil)
  }
}

/// Convolution by its definition, in Double: y[n,o,oy,ox] = b[o] + Σ x[n,c,iy,ix]·w[o,c',ky,kx]
/// over the input channels c of o's group, with iy = oy·sh − ph + ky·dh (likewise ix).
enum NaiveConvolution {
  /// Operands of smooth, distinct values for `g` and the three passes' results by the definition:
  /// what each kernel's test checks its own passes against.
  struct Case {
    let x, w, b, dy, y, dx, dw, db: [Float]

    init(_ g: Conv2dGeometry, withBias: Bool) {
      x = (0..<g.inputCount).map { Float(sin(0.37 * Double($0) + 0.5)) }
      w = (0..<g.weightCount).map { Float(0.5 * sin(0.23 * Double($0) + 0.5)) }
      b = (0..<g.outChannels).map { Float(0.1 * Double($0) - 0.7) }
      dy = (0..<g.outputCount).map { Float(cos(0.41 * Double($0))) }
      y = NaiveConvolution.forward(g, input: x, weight: w, bias: withBias ? b : nil)
      dx = NaiveConvolution.backwardData(g, gradOutput: dy, weight: w)
      (dw, db) = NaiveConvolution.backwardWeights(g, input: x, gradOutput: dy)
    }
  }

  /// Calls `body(outputIndex, inputIndex, weightIndex)` for every product of the convolution.
  static func forEachTerm(_ g: Conv2dGeometry, _ body: (Int, Int, Int) -> Void) {
    let cinG = g.inChannels / g.groups, coutG = g.outChannels / g.groups
    for n in 0..<g.batch {
      for o in 0..<g.outChannels {
        let group = o / coutG
        for oy in 0..<g.outHeight {
          for ox in 0..<g.outWidth {
            let yi = ((n * g.outChannels + o) * g.outHeight + oy) * g.outWidth + ox
            for cg in 0..<cinG {
              let c = group * cinG + cg
              for ky in 0..<g.kernelHeight {
                let iy = oy * g.strideH - g.padH + ky * g.dilationH
                if iy < 0 || iy >= g.height { continue }
                for kx in 0..<g.kernelWidth {
                  let ix = ox * g.strideW - g.padW + kx * g.dilationW
                  if ix < 0 || ix >= g.width { continue }
                  let xi = ((n * g.inChannels + c) * g.height + iy) * g.width + ix
                  let wi = ((o * cinG + cg) * g.kernelHeight + ky) * g.kernelWidth + kx
                  body(yi, xi, wi)
                }
              }
            }
          }
        }
      }
    }
  }

  static func forward(_ g: Conv2dGeometry, input: [Float], weight: [Float], bias: [Float]?) -> [Float] {
    var y = [Double](repeating: 0, count: g.outputCount)
    let pixels = g.outHeight * g.outWidth
    if let bias { for i in y.indices { y[i] = Double(bias[(i / pixels) % g.outChannels]) } }
    forEachTerm(g) { yi, xi, wi in y[yi] += Double(input[xi]) * Double(weight[wi]) }
    return y.map { Float($0) }
  }

  static func backwardData(_ g: Conv2dGeometry, gradOutput: [Float], weight: [Float]) -> [Float] {
    var dx = [Double](repeating: 0, count: g.inputCount)
    forEachTerm(g) { yi, xi, wi in dx[xi] += Double(gradOutput[yi]) * Double(weight[wi]) }
    return dx.map { Float($0) }
  }

  static func backwardWeights(_ g: Conv2dGeometry, input: [Float], gradOutput: [Float]) -> ([Float], [Float]) {
    var dW = [Double](repeating: 0, count: g.weightCount)
    forEachTerm(g) { yi, xi, wi in dW[wi] += Double(gradOutput[yi]) * Double(input[xi]) }
    var dB = [Double](repeating: 0, count: g.outChannels)
    let pixels = g.outHeight * g.outWidth
    for i in 0..<g.outputCount { dB[(i / pixels) % g.outChannels] += Double(gradOutput[i]) }
    return (dW.map { Float($0) }, dB.map { Float($0) })
  }
}

// MARK: PyTorch values (Reference/conv2d_reference.py)

enum TorchStride2Pad1Bias {
  static let output: [Float] = [
    1.1562584, 2.4383469, 1.8303387, -0.66360314, -0.79874083, -0.21490959, -0.029846472,
    -0.64917704, -1.0354841, -0.25222417, 1.3019541, 2.3004823, 1.3312695, 2.5512628, 1.8333494,
    -0.59722141, -0.62847401, 0.066327741, -0.054234858, -0.75283689, -1.075046, -0.044460828,
    1.5133009, 2.3980227, 1.4986181, 2.6499846, 1.8260095, -0.5281777, -0.4553779, 0.3466746,
    -0.078868258, -0.85300165, -1.1093878, 0.16300517, 1.7160106, 2.4821894, 1.6579435, 2.7345192,
    1.8088937, -0.45630629, -0.27984383, 0.62516547, -0.10307942, -0.94859969, -1.1377904,
    0.36959849, 1.9095333, 2.5530672, -0.84465553, -2.4517103, -2.7935948, 0.18320802, 0.63025777,
    0.23391113, -0.55846941, -0.16739177, 0.41148534, 0.68855484, -0.51898726, -2.1429622,
    -0.84693447, -2.4393016, -2.6691961, 0.37954027, 0.76134585, 0.22072089, -0.38317102,
    0.11871361, 0.70573603, 0.68528232, -0.57713563, -2.1218407, -0.84521455, -2.4143689,
    -2.5310427, 0.57330521, 0.88782254, 0.20581361, -0.20635661, 0.40364807, 0.99567305, 0.67780563,
    -0.63272956, -2.0898949, -0.8389696, -2.3765105, -2.3793388, 0.76400084, 1.0095461, 0.18980447,
    -0.028437433, 0.68642151, 1.2802795, 0.66670017, -0.68493604, -2.0467605,
  ]
  static let gradInput: [Float] = [
    -0.044209068, -0.12289939, -0.07494068, -0.18213585, -0.10476642, -0.1174972, -0.19666483,
    -0.43941043, -0.24271182, -0.52658998, -0.28582496, -0.29671486, -0.13332577, -0.29331448,
    -0.1602735, -0.34391274, -0.18528388, -0.17364417, -0.3254831, -0.68087626, -0.36120687,
    -0.74611801, -0.39256444, -0.36398387, -0.20805458, -0.43207644, -0.22831036, -0.46857617,
    -0.24580637, -0.21105228, -0.41917676, -0.84886512, -0.44072216, -0.88512849, -0.4569402,
    -0.39197344, -0.26033112, -0.52421074, -0.27170903, -0.54267306, -0.27980259, -0.22568461,
    -0.092589804, -0.14300738, -0.05135415, -0.061791041, -0.0094977366, 0.019137319, -0.067567965,
    -0.070263332, -0.00083530261, 0.060460278, 0.065907456, 0.13019804, 0.032473483, 0.10189164,
    0.07405217, 0.18237942, 0.11473573, 0.14556358, 0.13185354, 0.31814367, 0.1962058, 0.44198863,
    0.25818637, 0.32122817, 0.15403239, 0.335795, 0.19146713, 0.40686835, 0.22658745, 0.2562813,
    0.31704603, 0.6722181, 0.3720733, 0.77581965, 0.42260302, 0.47759286, 0.25896883, 0.53346094,
    0.28821985, 0.58744995, 0.31398692, 0.33934235, 0.13285946, 0.25982225, 0.12410987, 0.24129787,
    0.11386006, 0.099174118, 0.26135798, 0.50668427, 0.24351158, 0.4687021, 0.22272166, 0.17205634,
    0.10223393, 0.19575801, 0.089372024, 0.169293, 0.075429802, 0.034273873, 0.19923952, 0.37626862,
    0.17334902, 0.32293463, 0.1453631, 0.056422964, 0.060575799, 0.11056847, 0.044989568,
    0.079018813, 0.028859512, -0.034325048, 0.11562007, 0.20524782, 0.084479438, 0.14231757,
    0.052317639, -0.065299316, 0.012380607, 0.013446911, -0.0042479514, -0.01978271, -0.020825162,
    -0.09921977, 0.21432872, 0.39461696, 0.19227563, 0.34860991, 0.16789834, 0.099427366,
    0.25707762, 0.4537736, 0.21192507, 0.36206039, 0.1642108, 0.057179608, 0.14149154, 0.24456109,
    0.11337441, 0.18777704, 0.083886838, 0.028364715, 0.11451159, 0.16666593, 0.063428189,
    0.065346579, 0.011578077, -0.071749222, 0.053385256, 0.068113332, 0.022238364, 0.0066801473,
    -0.0091773416, -0.045758924, -0.040411989, -0.13842754, -0.091913562, -0.23841913, -0.1423041,
    -0.19293521, -0.040482113, -0.1156849, -0.071297545, -0.17513763, -0.10125115, -0.11494447,
    -0.36220362, -0.6940532, -0.34671673, -0.65989691, -0.32703879, -0.3213703, -0.54575098,
    -1.0385781, -0.51304964, -0.96875365, -0.47414666, -0.44535993, -0.30340767, -0.56816352,
    -0.27610902, -0.51169528, -0.24547282, -0.23027671, -0.42951229, -0.79496002, -0.37968606,
    -0.69309162, -0.32527026, -0.27927711, -0.21186939, -0.3809603, -0.17570492, -0.30827388,
    -0.13741657, -0.11433273, -0.26692265, -0.46555358, -0.20534854, -0.34263438, -0.14129221,
    -0.083056021, -0.097467154, -0.15264563, -0.056339573, -0.071585014, -0.014530971, 0.013949506,
    0.13246426, 0.26990642, 0.13968938, 0.28321043, 0.14522596, 0.20826962, 0.26545334, 0.54061621,
    0.2792959, 0.56547579, 0.28976238, 0.36923163, 0.14900707, 0.29942883, 0.15098702, 0.30214718,
    0.15114187, 0.19211443, 0.29672628, 0.59447099, 0.3001034, 0.59825613, 0.29985294, 0.33914396,
    0.14946974, 0.29663829, 0.14599086, 0.28847763, 0.14074726, 0.15522715, 0.29597791, 0.58417326,
    0.28852515, 0.56647547, 0.27758477, 0.27245746, 0.13380234, 0.26183593, 0.12524004, 0.24367693,
    0.11516387, 0.10158848,
  ]
  static let gradWeight: [Float] = [
    1.1612519, 1.5312632, 1.0576335, -0.33120548, -0.40625092, -0.10193948, 1.3412437, 1.7288782,
    1.4333477, -1.2888593, -1.6807674, -1.2947966, 0.42112473, 0.52850732, 0.24437712, -1.3986454,
    -1.7870839, -1.5946426, 1.3801911, 1.7829657, 1.4955172, -0.49919125, -0.63588868, -0.37993667,
    1.4166818, 1.7949913, 1.7110556, -0.43719978, -0.45774074, -1.0313065, -0.45339196, -0.64299567,
    -0.50135455, 0.011133535, 0.11717792, -0.53625702, 0.21623742, 0.17181949, 0.78389855,
    0.47766948, 0.67931146, 0.57546465, -0.2445154, -0.41394564, 0.24340462, 0.010811031,
    0.11893768, -0.51442744, -0.4885028, -0.69650776, -0.63337807, 0.47101529, 0.69906269,
    0.056298504, -1.3782564, -1.7584633, -1.5695234, 0.10616398, 0.087099441, -0.1469083,
    -1.3357175, -1.6707169, -1.6995194, 1.3961889, 1.7660501, 1.6838854, -0.18403305, -0.19133047,
    0.041255277, 1.27728, 1.5816216, 1.7154567, -1.3748251, -1.7239308, -1.7508537, 0.25672244,
    0.29017642, 0.065558892, -1.1828929, -1.4480109, -1.6831118, -0.24689905, -0.41507409,
    0.25227214, 0.50608654, 0.68622756, 0.42843648, -0.67411814, -0.94643975, -0.30730094,
    0.47676221, 0.70476109, 0.051899482, -0.56901445, -0.77427851, -0.55498756, 0.87849448,
    1.1989849, 0.60806385, -0.6932067, -0.97461231, -0.35461038, 0.61592722, 0.84053709, 0.66591828,
    -1.0581453, -1.4177842, -0.89171256,
  ]
  static let gradBias: [Float] = [
    17.460943, 12.869971, -11.072922, -18.366026,
  ]
}
enum TorchGroups2Dilation2 {
  static let output: [Float] = [
    -1.3377163, -0.85474085, -1.2085724, -0.3007018, 0.6478674, 1.5087508, 1.3537049, 1.7934332,
    1.5117155, 1.1107794, 1.6012589, 0.75932465, -0.18538059, -1.1049954, -1.0660884, -1.6049495,
    -1.8595506, -1.0798241, -1.4794038, -0.16261023, 1.1761919, 2.355802, 1.9495338, 2.5530137,
    2.1555352, 1.4879708, 2.0627062, 0.82305901, -0.5279854, -1.8075695, -1.5502032, -2.2959318,
    -2.3806342, -1.847185, -2.5781758, -1.4564412, -0.13758411, 1.1998943, 1.0998937, 1.9633473,
    2.021478, 1.472367, 1.9000617, 0.85055631, -0.3140679, -1.4361845, -1.1617807, -1.8169289,
    -2.1941544, -1.772153, -2.3287427, -1.389456, -0.26211285, 0.90070599, 0.77622254, 1.521269,
    0.5842312, 0.8983686, 1.4824445, 1.6036565, 1.5078211, 1.2079092, 0.5888575, 0.26126857,
    -0.39799473, -0.75707394, -1.3474322, -1.5709513, -1.5818496, -1.3786519, -0.72287654,
    -0.42940556, 0.86726687, 0.94145962, 1.6296588, 1.4012777, 0.98324019, 0.43212576, -0.075078461,
    -0.51595541, -0.78664287, -0.92074478, -1.6618427, -1.5396526, -1.2090777, -0.71485986,
    -0.14887412, 0.30472866, 0.68014983, 0.86975091, 1.6393762, 1.6273954, 1.3951543, 0.97408553,
    0.36793092, -0.083480787, -1.2896125, -1.2867709, -2.0223224, -1.6907137, -1.1302748,
    -0.41685854, -0.030670677, 0.55661935, 1.2262423, 1.3105208, 2.0863325, 1.8856649, 1.4297814,
    0.78038371, 0.3224314, -0.27297735, 0.70482826, -0.11844711, -0.39733536, -1.4365129,
    -2.2812652, -2.817259, -1.9916045, -2.0764612, -1.0805744, -0.29065364, -0.1416077, 0.94246114,
    1.8989723, 2.5984664, 1.8491687, 2.0701175, 0.92005468, 0.059956352, -0.28597879, -1.3553709,
    -2.2413199, -2.8239167, -1.8682025, -1.9940876, -1.3033779, -0.49054308, -0.26245936,
    0.84482134, 1.8377594, 2.5819654, 1.7114761, 1.9658242, 1.643839, 0.90499811, 0.80226644,
    -0.30648954, -1.3737636, -2.2551052, -1.4984672, -1.8729139, -0.62446187, -0.078429211,
    0.29068694, 0.98096607, 1.5384761, 1.8877605, 1.1950058, 1.2139523, 0.8657863, 0.35248732,
    0.068652954, -0.65325389, -1.2867459, -1.7460829, -1.1255072, -1.2255571, 0.35403488,
    -0.34654698, -0.58713932, -1.532662, -2.2707461, -2.7014953, -2.115209, -2.086171, -0.68612964,
    0.0026797067, 0.085433295, 1.0870515, 1.9415423, 2.5332545, 2.0234441, 2.1368766, 0.39825955,
    -0.61282759, -0.93406036, -2.2114697, -3.189567, -3.7359714, -2.8550708, -2.8276826,
    -0.88320357, 0.11851028, 0.24917595, 1.61189, 2.7564423, 3.527923, 2.7253117, 2.8904325,
    1.3391031, 0.37970427, 0.44390271, -0.95930264, -2.2326709, -3.2038576, -2.5059298, -2.8581294,
    -0.90390673, -0.060798486, 0.093539821, 1.2313458, 2.2024948, 2.8755466, 2.1251126, 2.2960237,
    1.2795561, 0.48291472, 0.47939723, -0.68447697, -1.7557104, -2.5893167, -1.9329925, -2.2505135,
    -1.0112945, -0.99406881, -1.3549436, -0.99517998, -0.50072342, 0.06150371, 0.30424437, 0.632137,
    0.96909034, 1.0199227, 1.4665434, 1.1921218, 0.75635216, 0.21821376, -0.12520472, -0.47935257,
    -0.91620159, -0.63456749, -0.92255398, -0.24853191, 0.45912779, 1.1046467, 1.1566501, 1.43073,
    1.0108245, 0.78623219, 1.2128223, 0.58946186, -0.11367947, -0.80143481, -0.96166097, -1.3186793,
    -1.0722061, -0.91204134, -1.4632065, -0.91100714, -0.23550725, 0.47186745, 0.73504723,
    1.1632634, 1.2493529, 0.86110083, 1.2461066, 0.44929299, -0.4083303, -1.210688, -1.1596475,
    -1.5834334, -1.3804851, -1.0699434, -1.5814438, -0.85503093, -0.012893676, 0.83098867,
    0.88974229, 1.3992672, 0.74148381, 1.4234054, 2.0549275, 2.6107241, 2.8131715, 2.6348694,
    1.7856261, 1.4013874, -0.36367001, -1.1075452, -1.6741157, -2.3784575, -2.7608862, -2.7696419,
    -1.8878119, -1.6176018, 0.59424658, 1.3002441, 1.9334479, 2.4807003, 2.6922014, 2.5393258,
    1.6020907, 1.2777962, -0.21180601, -0.97022271, -1.5630064, -2.2504443, -2.6332952, -2.6597419,
    -1.6835602, -1.4619288, -0.17759989, 0.60829514, 1.1411649, 1.9461817, 2.487792, 2.6926913,
    1.7096652, 1.5979853, -0.44949675, -0.87201791, -1.4434266, -1.7180575, -1.7601573, -1.5640281,
    -0.86888554, -0.58071636, 0.21590076, 0.67613745, 1.2337548, 1.6107179, 1.7696779, 1.6891203,
    0.96914929, 0.73471024,
  ]
  static let gradInput: [Float] = [
    -0.061498389, -0.091655608, -0.16891484, -0.21080863, -0.25015421, -0.28647598, -0.20779902,
    -0.22791153, -0.25352319, -0.26623905, -0.40892269, -0.4195024, -0.42501124, -0.42538264,
    -0.28242423, -0.27675024, -0.24438572, -0.24556918, -0.37310853, -0.36477005, -0.35202229,
    -0.33501935, -0.20954702, -0.19200239, -0.17438971, -0.15435329, -0.19501538, -0.15839178,
    -0.11985357, -0.079866598, -0.019226411, 0.0089912902, 0.022160507, 0.048876432, 0.12459999,
    0.16293104, 0.19929261, 0.23324516, 0.18504676, 0.20346002, 0.057422145, 0.085234265,
    0.16005878, 0.19691846, 0.23139783, 0.26308011, 0.18564192, 0.20194539, 0.23428841, 0.24595554,
    0.36756041, 0.37589783, 0.37969147, 0.37889547, 0.24062384, 0.23456495, -0.14469883,
    -0.12660824, -0.16154177, -0.1284642, -0.09383378, -0.058069113, -0.0092533433, 0.016204661,
    0.02867653, 0.051715459, 0.12245195, 0.15583331, 0.18733099, 0.21656425, 0.17244884, 0.18837447,
    0.060009141, 0.089880134, 0.17561808, 0.2153431, 0.25246509, 0.28653533, 0.20584452, 0.22310823,
    0.25050157, 0.26317359, 0.3982514, 0.40697241, 0.41077402, 0.40961028, 0.261095, 0.25389265,
    0.25920558, 0.24548257, 0.33187459, 0.30326278, 0.27098519, 0.23543199, 0.12686944, 0.10042776,
    0.14364979, 0.11785747, 0.14861376, 0.10564807, 0.061405338, 0.016420347, -0.013609637,
    -0.044303891, -0.083462327, -0.11099259, -0.20066074, -0.23882557, -0.27410353, -0.30606818,
    -0.22474918, -0.24184859, 0.07103827, 0.04077718, 0.02773168, -0.018845139, -0.065194162,
    -0.11075513, -0.097005453, -0.12591752, -0.16418258, -0.18820818, -0.30816364, -0.3382172,
    -0.36418246, -0.38574555, -0.2689112, -0.27787317, -0.19213327, -0.2071239, -0.33965144,
    -0.35337231, -0.36282168, -0.36788533, -0.2482691, -0.24474109, -0.23581804, -0.22842748,
    -0.32715425, -0.30648914, -0.28211924, -0.25433915, -0.1439502, -0.12078221, -0.1083702,
    -0.083961764, -0.077241969, -0.037187503, 0.0033164773, 0.043780369, 0.064833035, 0.09082805,
    -0.071453373, -0.042146271, -0.023460074, 0.020084295, 0.063385889, 0.10592129, 0.090615278,
    0.11640475, 0.15720266, 0.18069614, 0.28977613, 0.31766372, 0.34171145, 0.36162865, 0.24264518,
    0.2502924, -0.19760214, -0.19051582, -0.27660631, -0.25754683, -0.23537418, -0.21035637,
    -0.11906529, -0.098099128, -0.084535254, -0.063551019, -0.054163325, -0.019353605, 0.015690056,
    0.05054406, 0.06628573, 0.088859379, -0.082917737, -0.05176209, -0.029524059, 0.017232804,
    0.063781361, 0.10955894, 0.098714848, 0.12642977, 0.16239005, 0.18795583, 0.30820963,
    0.33852238, 0.36474314, 0.38655495, 0.26166788, 0.26977282, 0.28985175, 0.29127464, 0.4222763,
    0.41414704, 0.40101166, 0.38302892, 0.23472914, 0.21734235, 0.22432791, 0.20895922, 0.30017917,
    0.26964977, 0.2358609, 0.19922098, 0.11390184, 0.08588462, 0.044548256, 0.016370217,
    -0.01034573, -0.053977371, -0.096956544, -0.13876373, -0.11929926, -0.14562809,
  ]
  static let gradWeight: [Float] = [
    1.0065595, 2.6263887, 2.9889862, 1.8267688, 3.3114837, 3.0238573, 2.4004541, 2.5692101,
    1.1335996, 2.5090795, 1.7819248, 0.10054335, 2.5072902, 0.97119412, -0.20860191, -0.82107308,
    -2.312468, -2.3579445, 1.2981062, 2.8964516, 3.0751164, 1.7946652, 3.1414762, 2.6923505,
    2.3386062, 2.3010972, 0.79450586, 2.3526946, 1.4521563, -0.19395946, 2.2009565, 0.64162266,
    -0.34417531, -1.1702333, -2.5955625, -2.4367734, 1.5699796, 3.1226176, 3.1146419, 1.7353626,
    2.9238582, 2.32004, 2.2413157, 1.99811, 0.44337105, 2.1606535, 1.1003797, -0.48552273,
    1.8612664, 0.30232713, -0.47453258, -1.5016581, -2.8393202, -2.4786721, -2.9609317, -3.7335643,
    -2.6525415, -2.5313955, -2.6373979, -1.5597068, -1.0413006, 0.12990361, 1.3803685, -0.18782938,
    1.472248, 2.3357016, 0.0010852535, 1.5985839, 1.518498, 2.4250745, 2.9633558, 1.6680808,
    -3.0314304, -3.638299, -2.4368775, -2.190233, -2.1324826, -1.055884, -0.71203402, 0.57970659,
    1.7198609, 0.10791635, 1.7955524, 2.48092, 0.19020518, 1.6437461, 1.3351647, 2.5119165,
    2.8524601, 1.4343578, -3.0559864, -3.4878936, -2.1842815, -1.8158767, -1.5952486, -0.5360589,
    -0.37197624, 1.0207239, 2.033288, 0.40202657, 2.0916445, 2.5885389, 0.37644246, 1.6639966,
    1.1315963, 2.5606893, 2.6983341, 1.1788964,
  ]
}
