/// The weight gradient of a convolution of a 1×1 map into a 1×1 map — the last stage of a
/// ResNet at 28–32 px (3×3, padding 1, on 1×1 maps) — as the GEMM it is: every tap but one
/// falls on padding, so dW_tap = dYᵀ · X over [batch, channels] matrices and the other taps'
/// gradients are zero. oneDNN's backward-weights kernel does all nine taps' work there (108
/// GFLOP/s counted that way against sgemm's 220, so about 12 useful), while its forward and
/// backward-data kernels skip the padding taps (no faster as a GEMM, measured). On resnet34 at
/// 32 px, batch 128, this took backward weights from 82–84 to 67–70 ms a step and the step from
/// 228 to 204–211 ms (`descent bench train --arch resnet34 --size 32 --bs 128 --profile`, two
/// interleaved rounds, AMD EPYC, 2 cores). On a 1×1 map the blocked layout (nChw16c, channels a
/// multiple of 16) holds the same bytes as plain [N, C], so both are read in place. float32
/// only; `ConvolutionKernels` takes this path under `.auto` wherever it applies (a ninth of the
/// work: nothing to time).
struct SinglePixelWeightGradient {
  let g: Conv2dGeometry
  /// The one tap that reads the input: (kh, kw).
  let tap: (h: Int, w: Int)

  /// Nil unless input and output are 1×1 float32 maps whose bytes read as [N, C] matrices
  /// (plain, or blocked with channels a multiple of 16), ungrouped, and exactly one tap meets
  /// the input.
  init?(_ g: Conv2dGeometry, layouts: ConvolutionLayouts) {
    guard g.height == 1, g.width == 1, g.outHeight == 1, g.outWidth == 1, g.groups == 1,
      layouts.input.element == .float32, layouts.output.element == .float32,
      !layouts.input.blocked || g.inChannels % 16 == 0, !layouts.output.blocked || g.outChannels % 16 == 0,
      g.padH % g.dilationH == 0, g.padW % g.dilationW == 0
    else { return nil }
    // Output (0, 0) reads input row kh · dilation − padding: row 0 for kh = padding / dilation.
    let tap = (h: g.padH / g.dilationH, w: g.padW / g.dilationW)
    guard tap.h < g.kernelHeight, tap.w < g.kernelWidth else { return nil }
    self.g = g
    self.tap = tap
  }

  private var taps: Int { g.kernelHeight * g.kernelWidth }
  private var tapOffset: Int { tap.h * g.kernelWidth + tap.w }

  /// gradWeight, gradBias (overwritten; gradBias optional)
  func backwardWeights(
    input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>, gradWeight: UnsafeMutablePointer<Float>,
    gradBias: UnsafeMutablePointer<Float>?
  ) {
    let (n, cin, cout) = (g.batch, g.inChannels, g.outChannels)
    ScratchPool.withBuffer(count: cout * cin) { matrix in
      GEMM.sgemm(transA: true, transB: false, m: cout, n: cin, k: n, a: gradOutput, lda: cout, b: input, ldb: cin, c: matrix, ldc: cin)
      // The other taps only ever met padding: their gradient is zero.
      gradWeight.update(repeating: 0, count: cout * cin * taps)
      for i in 0..<cout * cin { gradWeight[i * taps + tapOffset] = matrix[i] }
    }
    if let gradBias {
      gradBias.update(repeating: 0, count: cout)
      for i in 0..<n { for c in 0..<cout { gradBias[c] += gradOutput[i * cout + c] } }
    }
  }
}
