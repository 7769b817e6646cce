import Dispatch

/// Convolution speed in GFLOP/s, for `descent bench` to set beside the machine's sgemm rate, on
/// activations in the formats training keeps them in (blocked where the channels allow).
public enum ConvolutionBenchmark {
  /// Forward + backward data + backward weights (with bias) on random data: 3 · forwardFlops
  /// per iteration over the best of three timing rounds of `seconds / 3` each. The warm-up
  /// makes `.auto` choose its algorithms first, as a training loop's first step would.
  public static func forwardBackwardGFLOPs(_ g: Conv2dGeometry, seconds: Double = 1) -> Double {
    let perIteration = bestTime(g, seconds: seconds) { b in
      b.forward()
      b.backwardData()
      b.backwardWeights()
    }
    return 3 * g.forwardFlops / perIteration / 1e9
  }

  /// GFLOP/s of each direction alone, timed the same way.
  public static func directionGFLOPs(_ g: Conv2dGeometry, seconds: Double = 1) -> [ConvolutionDirection: Double] {
    var rates: [ConvolutionDirection: Double] = [:]
    for direction in ConvolutionDirection.allCases {
      let perIteration = bestTime(g, seconds: seconds) { b in
        switch direction {
        case .forward: b.forward()
        case .backwardData: b.backwardData()
        case .backwardWeights: b.backwardWeights()
        }
      }
      rates[direction] = g.forwardFlops / perIteration / 1e9
    }
    return rates
  }

  /// Seconds per call of `body`: the best of three rounds, after two warm-up calls.
  private static func bestTime(_ g: Conv2dGeometry, seconds: Double, _ body: (Buffers) -> Void) -> Double {
    let buffers = Buffers(g)
    defer { buffers.free() }
    body(buffers)
    body(buffers)
    var best = Double.infinity
    for _ in 0..<3 {
      let start = DispatchTime.now().uptimeNanoseconds
      var iterations = 0
      var elapsed = 0.0
      repeat {
        body(buffers)
        iterations += 1
        elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      } while elapsed < seconds / 3
      best = Swift.min(best, elapsed / Double(iterations))
    }
    return best
  }

  /// Every tensor of one convolution, room for each in float32, filled with uniform noise in
  /// [-1, 1) that reads as such in float32 and in bfloat16 (each 32-bit word is two bfloat16
  /// noise values, the first one the float32's upper half), so a buffer may hold either. Also
  /// what mixed precision times its candidates on (`ConvolutionKernels.precision`).
  struct Buffers {
    let g: Conv2dGeometry
    let input, weight, bias, output, gradOutput, gradInput, gradWeight, gradBias: UnsafeMutablePointer<Float>

    init(_ g: Conv2dGeometry) {
      self.g = g
      var state: UInt64 = 0x9E37_79B9_7F4A_7C15
      func bfloat16Noise() -> UInt32 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt32(BFloat16.bits(Float(state >> 40) / Float(1 << 23) - 1))
      }
      func noise(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
        for i in 0..<count { p[i] = Float(bitPattern: bfloat16Noise() << 16 | bfloat16Noise()) }
        return p
      }
      input = noise(g.inputCount)
      weight = noise(g.weightCount)
      bias = noise(g.outChannels)
      output = noise(g.outputCount)
      gradOutput = noise(g.outputCount)
      gradInput = noise(g.inputCount)
      gradWeight = noise(g.weightCount)
      gradBias = noise(g.outChannels)
    }

    func free() {
      for p in [input, weight, bias, output, gradOutput, gradInput, gradWeight, gradBias] { p.deallocate() }
    }

    /// The activations' formats a training step gives this convolution: blocked float32 where
    /// the channels allow (`StorageFormat.activation`), plain under a forced im2col.
    var layouts: ConvolutionLayouts {
      guard ConvolutionKernels.algorithm != .im2col else { return .plain }
      return ConvolutionLayouts(
        input: ActivationFormat(StorageFormat.activation([g.batch, g.inChannels, g.height, g.width])),
        output: ActivationFormat(StorageFormat.activation([g.batch, g.outChannels, g.outHeight, g.outWidth])))
    }

    func forward(_ precision: ComputePrecision = .float32, layouts: ConvolutionLayouts? = nil, hasBias: Bool = true) {
      ConvolutionKernels.forward(
        g, input: input, weight: weight, bias: hasBias ? bias : nil, output: output, precision: precision,
        layouts: layouts ?? self.layouts)
    }
    func backwardData(_ precision: ComputePrecision = .float32, layouts: ConvolutionLayouts? = nil) {
      ConvolutionKernels.backwardData(
        g, gradOutput: gradOutput, weight: weight, gradInput: gradInput, precision: precision,
        layouts: layouts ?? self.layouts)
    }
    func backwardWeights(_ precision: ComputePrecision = .float32, layouts: ConvolutionLayouts? = nil, hasBias: Bool = true) {
      ConvolutionKernels.backwardWeights(
        g, input: input, gradOutput: gradOutput, gradWeight: gradWeight, gradBias: hasBias ? gradBias : nil,
        precision: precision, layouts: layouts ?? self.layouts)
    }
  }
}
