/// A convolution on maps so small that (nearly) every output pixel reads every input pixel —
/// a ResNet's last two stages at 28–32 px: 3×3 convolutions on 2×2 and 1×1 maps — as ONE GEMM
/// over whole images. Each image is a row of its Cin·H·W input values (in the bytes' own order,
/// plain or blocked), and the kernel is unrolled into the (Cout·Ho·Wo) × (Cin·H·W) matrix `A`
/// whose block for output pixel o and input pixel i is the kernel's tap joining them (zero where
/// none does):
///
///     forward          Y  = X · Aᵀ          [N, Cout·Ho·Wo]   (as Yᵀ = A · Xᵀ)
///     backward data    dX = dY · A          [N, Cin·H·W]
///     backward weights dA = dYᵀ · X, and each tap's gradient sums the blocks that tap fills
///
/// Where every (output, input) pixel pair is joined by a tap, these GEMMs do exactly the useful
/// multiply-adds, while oneDNN's direct kernels work through the padding taps too: on 2×2 maps
/// 36 multiply-adds per pair of channels and image are counted, 16 useful; on 1×1 maps 9, 1. So
/// the forward is offered to `.auto` (timed against oneDNN's kernels) where at least half of the
/// pixel pairs are joined. Building `A` (and summing `dA` back into taps) costs one pass over a
/// matrix of Ho·Wo·H·W weight-sized blocks: 16 on 2×2 maps. Where some pairs are joined by no
/// tap (strided maps: a stage's first convolution, 4×4 into 2×2), both gradients go tap by tap
/// over the joined pairs alone, and are offered on any map small enough. float32 activations,
/// ungrouped.
struct SmallMapConvolution {
  let g: Conv2dGeometry
  let layouts: ConvolutionLayouts
  /// How the input's and the output's channels and pixels lie within one image.
  private let input, output: ImageLayout
  /// Every (output pixel, input pixel) pair a tap joins, with that tap (kh · kw index) and its
  /// place among `usedTaps`.
  private let pairs: [(output: Int, input: Int, tap: Int, slot: Int)]
  /// The taps that join some pair (on a 1×1 map, one of nine), in order.
  private let usedTaps: [Int]
  /// For output pixel p and input pixel q, at p · H·W + q: the place among `usedTaps` of the
  /// tap that joins them, or -1.
  private let slotOf: [Int]
  /// `pairs` ordered by tap (in `usedTaps` order), and each tap's run of them there.
  private let pairsByTap: [(output: Int, input: Int)]
  private let tapRuns: [Range<Int>]

  /// Nil where the form does not apply: maps too large for half of the pixel pairs to be joined.
  init?(_ g: Conv2dGeometry, layouts: ConvolutionLayouts) {
    guard g.groups == 1, layouts.input.element == .float32, layouts.output.element == .float32,
      !layouts.input.blocked || g.inChannels % 16 == 0, !layouts.output.blocked || g.outChannels % 16 == 0
    else { return nil }
    let (inPixels, outPixels) = (g.height * g.width, g.outHeight * g.outWidth)
    // An output pixel meets at most kh·kw input pixels, so half of the pairs can be joined only
    // where H·W ≤ 2·kh·kw; and the matrix A (Ho·Wo·H·W weight-sized blocks) stays below 16 Mi floats.
    guard inPixels <= 2 * g.kernelHeight * g.kernelWidth, outPixels * g.outChannels * inPixels * g.inChannels <= 1 << 24
    else { return nil }
    var joined: [(output: Int, input: Int, tap: Int)] = []
    for oh in 0..<g.outHeight {
      for ow in 0..<g.outWidth {
        for kh in 0..<g.kernelHeight {
          let ih = oh * g.strideH - g.padH + kh * g.dilationH
          guard ih >= 0, ih < g.height else { continue }
          for kw in 0..<g.kernelWidth {
            let iw = ow * g.strideW - g.padW + kw * g.dilationW
            guard iw >= 0, iw < g.width else { continue }
            joined.append((oh * g.outWidth + ow, ih * g.width + iw, kh * g.kernelWidth + kw))
          }
        }
      }
    }
    self.g = g
    self.layouts = layouts
    usedTaps = Set(joined.map(\.tap)).sorted()
    pairs = joined.map { [usedTaps] in ($0.output, $0.input, $0.tap, usedTaps.firstIndex(of: $0.tap)!) }
    var slotOf = [Int](repeating: -1, count: outPixels * inPixels)
    for pair in pairs { slotOf[pair.output * inPixels + pair.input] = pair.slot }
    self.slotOf = slotOf
    let byTap = usedTaps.indices.map { [pairs] slot in pairs.filter { $0.slot == slot }.map { (output: $0.output, input: $0.input) } }
    pairsByTap = byTap.flatMap { $0 }
    var runs: [Range<Int>] = [], start = 0
    for tapPairs in byTap {
      runs.append(start..<start + tapPairs.count)
      start += tapPairs.count
    }
    tapRuns = runs
    input = ImageLayout(channels: g.inChannels, pixels: inPixels, blocked: layouts.input.blocked)
    output = ImageLayout(channels: g.outChannels, pixels: outPixels, blocked: layouts.output.blocked)
  }

  /// One image's values: plain (channel by channel) or blocked (nChw16c: blocks of 16 channels,
  /// each pixel's 16 values side by side). Channel c of pixel p lies at
  /// (c / width) · blockStride + p · width + c % width.
  private struct ImageLayout {
    let channels, pixels: Int
    /// Channels side by side within a pixel: 16 blocked, 1 plain.
    let width: Int
    var blockStride: Int { pixels * width }
    var blocks: Int { channels / width }
    var count: Int { channels * pixels }

    init(channels: Int, pixels: Int, blocked: Bool) {
      (self.channels, self.pixels, width) = (channels, pixels, blocked ? 16 : 1)
    }

    func offset(_ c: Int, _ p: Int) -> Int { c / width * blockStride + p * width + c % width }
  }

  /// Whether `.auto` times it for this pass: the forward multiplies the whole unrolled kernel, so
  /// only where at least half of the pixel pairs are joined (more than twice the useful work
  /// never wins); the gradients go tap by tap where pairs are missing, so always.
  func offered(for direction: ConvolutionDirection) -> Bool {
    direction != .forward || 2 * pairs.count >= input.pixels * output.pixels
  }

  /// Whether every (output, input) pixel pair is joined by a tap: A has no zero block, and the
  /// gradients run dense.
  private var everyPairJoined: Bool { pairs.count == output.pixels * input.pixels }

  private var rows: Int { output.count }
  private var columns: Int { input.count }
  private var taps: Int { g.kernelHeight * g.kernelWidth }

  /// output = conv(input, weight) + bias (overwritten); the unrolled kernel is left in `reuse`
  /// for the backward, where there is one.
  func forward(
    input x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    output y: UnsafeMutablePointer<Float>, reuse: ConvolutionReuse?
  ) {
    // Y = X · Aᵀ, computed as Yᵀ = A · Xᵀ between two transposes: sgemm runs fastest with the
    // unrolled kernel as its left operand (1024 × 128 × 1024: 1.16 ms, against 1.26 for X · Aᵀ
    // and 2.5 for X times A transposed), and A unrolls three times as fast as Aᵀ.
    let (batch, rows, columns) = (g.batch, self.rows, self.columns)
    func multiply(_ a: UnsafeMutablePointer<Float>) {
      unroll(weight, into: a)
      ScratchPool.withBuffer(count: (rows + columns) * batch) { transposes in
        let (xT, yT) = (transposes, transposes + columns * batch)
        MatrixTranspose.transpose(x, rows: batch, columns: columns, into: xT)
        GEMM.sgemm(transA: false, transB: false, m: rows, n: batch, k: columns, a: a, lda: columns, b: xT, ldb: batch, c: yT, ldc: batch)
        MatrixTranspose.transpose(yT, rows: rows, columns: batch, into: y)
      }
    }
    ConvolutionReuse.keeping(in: reuse, count: rows * columns, g, layouts, .smallMap, multiply)
    guard let bias else { return }
    let width = output.width
    forEachOutputRun { at, first in
      for j in 0..<width { y[at + j] += bias[first + j] }
    }
  }

  /// gradInput = d loss / d input (overwritten), with the forward's unrolled kernel where
  /// `reuse` holds it.
  func backwardData(
    gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>, reuse: ConvolutionReuse?
  ) {
    if !everyPairJoined {
      return backwardDataByTap(gradOutput: gradOutput, weight: weight, gradInput: gradInput)
    }
    func multiply(_ a: UnsafePointer<Float>) {
      GEMM.sgemm(
        transA: false, transB: false, m: g.batch, n: columns, k: rows, a: gradOutput, lda: rows, b: a, ldb: columns,
        c: gradInput, ldc: columns)
    }
    ConvolutionReuse.using(reuse, g, layouts, .smallMap, count: rows * columns, orCompute: { unroll(weight, into: $0) }, multiply)
  }

  /// gradWeight, gradBias (overwritten; gradBias optional)
  func backwardWeights(
    input x: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>, gradWeight: UnsafeMutablePointer<Float>,
    gradBias: UnsafeMutablePointer<Float>?
  ) {
    if everyPairJoined {
      backwardWeightsDense(input: x, gradOutput: gradOutput, gradWeight: gradWeight)
    } else {
      backwardWeightsByTap(input: x, gradOutput: gradOutput, gradWeight: gradWeight)
    }
    guard let gradBias else { return }
    gradBias.update(repeating: 0, count: output.channels)
    let width = output.width
    forEachOutputRun { at, first in
      for j in 0..<width { gradBias[first + j] += gradOutput[at + j] }
    }
  }

  /// Every pixel pair joined (1×1 and 2×2 maps, 2×2 into 1×1 at stride 2): dA = dYᵀ · X, one
  /// GEMM, and each tap's gradient summed from the blocks it fills.
  private func backwardWeightsDense(
    input x: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>, gradWeight: UnsafeMutablePointer<Float>
  ) {
    ScratchPool.withBuffer(count: rows * columns) { gradA in
      GEMM.sgemm(
        transA: true, transB: false, m: rows, n: columns, k: g.batch, a: gradOutput, lda: rows, b: x, ldb: columns,
        c: gradA, ldc: columns)
      // Each tap's gradient is the sum of the blocks it fills (a tap that only meets padding
      // gets 0), summed tap by tap with input channels side by side (pairs in order: the same
      // additions, in the same order, as into the weights' own layout), then laid out as weights.
      let (taps, columns, input, output, usedTaps, pairs) = (self.taps, self.columns, self.input, self.output, self.usedTaps, self.pairs)
      let cin = input.channels
      forEachOutputChannel(scratch: usedTaps.count * cin) { co, byTap in
        byTap.update(repeating: 0, count: usedTaps.count * cin)
        for pair in pairs {
          let (row, sums) = (UnsafePointer(gradA) + output.offset(co, pair.output) * columns + pair.input * input.width, byTap + pair.slot * cin)
          for block in 0..<input.blocks {
            Self.addRun(row + block * input.blockStride, to: sums + block * input.width, width: input.width)
          }
        }
        KernelTaps.scatter(byTap, cin: cin, taps: taps, used: usedTaps, into: gradWeight + co * cin * taps)
      }
    }
  }

  // MARK: Tap by tap, where some pixel pairs are joined by no tap

  // On a strided map (a stage's first convolution: 25 of 64 pairs joined on a 4×4 map at stride
  // 2) most of A's blocks are zeros, and so would be most of dA's products. Instead each used tap
  // runs one GEMM over the batch times the pairs it joins, on those pairs' pixel rows gathered
  // first ([N, C] per pair, taps one after the other): only the useful multiply-adds.

  /// dX_q = Σ dY_o · W_tap over the pairs (o, q) each tap joins: the products of each tap's
  /// gathered output-gradient rows, added into the input gradient's pixels.
  private func backwardDataByTap(
    gradOutput dy: UnsafePointer<Float>, weight: UnsafePointer<Float>, gradInput dx: UnsafeMutablePointer<Float>
  ) {
    let (n, cin, cout, taps, usedTaps) = (g.batch, input.channels, output.channels, self.taps, self.usedTaps)
    let (input, pairsByTap, columns) = (self.input, self.pairsByTap, self.columns)
    let gathered = pairsByTap.count * n
    ScratchPool.withBuffer(count: gathered * (cout + cin) + usedTaps.count * cout * cin) { scratch in
      let (dyRows, products, kernel) = (scratch, scratch + gathered * cout, scratch + gathered * (cout + cin))
      gatherPairRows(dy, output, outputs: true, into: dyRows)
      // kernel[slot] = W_tap [Cout, Cin]
      forEachOutputChannel(scratch: 0) { co, _ in
        KernelTaps.gather(weight + co * cin * taps, cin: cin, taps: taps, used: usedTaps, into: kernel + co * cin, slotStride: cout * cin)
      }
      for (slot, run) in tapRuns.enumerated() {
        GEMM.sgemm(
          transA: false, transB: false, m: run.count * n, n: cin, k: cout, a: dyRows + run.lowerBound * n * cout, lda: cout,
          b: kernel + slot * cout * cin, ldb: cin, c: products + run.lowerBound * n * cin, ldc: cin)
      }
      // Image by image (an image's pixels meet several pairs), pairs in tap order.
      Parallel.forEachRun(n, grain: 1) { image, _ in
        let target = dx + image * columns
        target.update(repeating: 0, count: columns)
        for (pair, pixels) in pairsByTap.enumerated() {
          let row = UnsafePointer(products + (pair * n + image) * cin)
          for block in 0..<input.blocks {
            Self.addRun(row + block * input.width, to: target + block * input.blockStride + pixels.input * input.width, width: input.width)
          }
        }
      }
    }
  }

  /// dW_tap = Σ dY_oᵀ · X_q over the pairs (o, q) each tap joins: one GEMM of each tap's
  /// gathered rows, laid out as weights.
  private func backwardWeightsByTap(
    input x: UnsafePointer<Float>, gradOutput dy: UnsafePointer<Float>, gradWeight: UnsafeMutablePointer<Float>
  ) {
    let (n, cin, cout, taps, usedTaps) = (g.batch, input.channels, output.channels, self.taps, self.usedTaps)
    let gathered = pairsByTap.count * n
    ScratchPool.withBuffer(count: gathered * (cin + cout) + usedTaps.count * cout * cin) { scratch in
      let (xRows, dyRows, kernelGradient) = (scratch, scratch + gathered * cin, scratch + gathered * (cin + cout))
      gatherPairRows(x, input, outputs: false, into: xRows)
      gatherPairRows(dy, output, outputs: true, into: dyRows)
      for (slot, run) in tapRuns.enumerated() {
        GEMM.sgemm(
          transA: true, transB: false, m: cout, n: cin, k: run.count * n, a: dyRows + run.lowerBound * n * cout, lda: cout,
          b: xRows + run.lowerBound * n * cin, ldb: cin, c: kernelGradient + slot * cout * cin, ldc: cin)
      }
      forEachOutputChannel(scratch: 0) { co, _ in
        KernelTaps.scatter(kernelGradient + co * cin, cin: cin, taps: taps, used: usedTaps, into: gradWeight + co * cin * taps, slotStride: cout * cin)
      }
    }
  }

  /// rows[pair · N + image] = the pair's output (or input) pixel of each image in `images`
  /// (`layout`), all channels, for the pairs tap by tap.
  private func gatherPairRows(
    _ images: UnsafePointer<Float>, _ layout: ImageLayout, outputs: Bool, into rows: UnsafeMutablePointer<Float>
  ) {
    let (n, pairsByTap) = (g.batch, self.pairsByTap)
    Parallel.forEachRun(pairsByTap.count * n, grain: 64) { row, _ in
      let (pair, image) = row.quotientAndRemainder(dividingBy: n)
      let (source, target) = (images + image * layout.count, rows + row * layout.channels)
      let pixel = outputs ? pairsByTap[pair].output : pairsByTap[pair].input
      for block in 0..<layout.blocks {
        Self.copyRun(source + block * layout.blockStride + pixel * layout.width, to: target + block * layout.width, width: layout.width)
      }
    }
  }

  /// A [rows, columns]: the kernel's taps laid out as the dense matrix over pixel pairs, one
  /// output channel's rows per task. The channel's weights are first laid out tap by tap, so
  /// that each run of a row is a contiguous copy, and each row is written front to back.
  private func unroll(_ weight: UnsafePointer<Float>, into a: UnsafeMutablePointer<Float>) {
    let (taps, columns, input, output, usedTaps, slotOf) = (self.taps, self.columns, self.input, self.output, self.usedTaps, self.slotOf)
    let cin = input.channels
    forEachOutputChannel(scratch: usedTaps.count * cin) { co, byTap in
      KernelTaps.gather(weight + co * cin * taps, cin: cin, taps: taps, used: usedTaps, into: byTap)
      for p in 0..<output.pixels {
        var target = a + output.offset(co, p) * columns
        for block in 0..<input.blocks {
          for q in 0..<input.pixels {
            let slot = slotOf[p * input.pixels + q]
            Self.copyRun(slot < 0 ? nil : byTap + slot * cin + block * input.width, to: target, width: input.width)
            target += input.width
          }
        }
      }
    }
  }

  /// Copies `width` floats (16: one vector; or 1, plain), or writes zeros for nil.
  @inline(__always)
  private static func copyRun(_ source: UnsafePointer<Float>?, to target: UnsafeMutablePointer<Float>, width: Int) {
    if width == 16 {
      let v = source.map { UnsafeRawPointer($0).loadUnaligned(as: SIMD16<Float>.self) } ?? .zero
      UnsafeMutableRawPointer(target).storeBytes(of: v, as: SIMD16<Float>.self)
    } else if let source {
      for j in 0..<width { target[j] = source[j] }
    } else {
      target.update(repeating: 0, count: width)
    }
  }

  /// target[0 ..< width] += source[0 ..< width] (16: one vector; or 1, plain).
  @inline(__always)
  private static func addRun(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, width: Int) {
    if width == 16 {
      let sum = UnsafeRawPointer(target).loadUnaligned(as: SIMD16<Float>.self) + UnsafeRawPointer(source).loadUnaligned(as: SIMD16<Float>.self)
      UnsafeMutableRawPointer(target).storeBytes(of: sum, as: SIMD16<Float>.self)
    } else {
      for j in 0..<width { target[j] += source[j] }
    }
  }

  /// `body(offset, firstChannel)` for every run of `output.width` channels side by side in the
  /// outputs of the whole batch (one value plain, 16 blocked), in memory order.
  private func forEachOutputRun(_ body: (Int, Int) -> Void) {
    let (rows, output) = (self.rows, self.output)
    for n in 0..<g.batch {
      for block in 0..<output.blocks {
        for p in 0..<output.pixels { body(n * rows + block * output.blockStride + p * output.width, block * output.width) }
      }
    }
  }

  /// Splits the output channels over the cores (each channel's rows and weights are its own),
  /// with `scratch` floats of each task's own.
  private func forEachOutputChannel(scratch: Int, _ body: (Int, UnsafeMutablePointer<Float>) -> Void) {
    Parallel.forEachRun(g.outChannels, grain: 16, scratch: scratch, body)
  }
}
