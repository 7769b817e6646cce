/// A 3×3 convolution with stride 1 and padding 1 on 2×2 maps (a ResNet's third stage at
/// 28–32 px) by Winograd's minimal filtering, with the padding's zeros left out. Along each axis
/// the two outputs y0 = w1·x0 + w2·x1 and y1 = w0·x0 + w1·x1 take three multiplications
/// instead of four:
///
///     m0 = (w2 − w1)·x1,   m1 = w1·(x0 + x1),   m2 = (w0 − w1)·x0;   y0 = m0 + m1,   y1 = m1 + m2
///
/// so a 2×2 map takes 9 products of channel matrices where `SmallMapConvolution` takes 16 (and
/// oneDNN's kernels 36): for each k of the 3 × 3 pairs of factors, one GEMM over the batch,
/// M_k = V_k · U_k (V: sums of the inputs [N, Cin], U: differences of the kernel's taps
/// [Cin, Cout]), with additions before and after. The backward passes are the same GEMMs
/// transposed: dV_k = dM_k · U_kᵀ, dU_k = V_kᵀ · dM_k. The rounding differs from a direct
/// convolution's as much as a different order of the same additions does (no factor above 1).
/// Blocked float32 activations (channels multiples of 16), ungrouped, undilated.
struct Winograd2x2Convolution {
  let g: Conv2dGeometry
  let layouts: ConvolutionLayouts

  init?(_ g: Conv2dGeometry, layouts: ConvolutionLayouts) {
    let blocked = ActivationFormat(blocked: true)
    guard layouts == ConvolutionLayouts(input: blocked, output: blocked), g.groups == 1,
      g.height == 2, g.width == 2, g.kernelHeight == 3, g.kernelWidth == 3, g.strideH == 1, g.strideW == 1,
      g.padH == 1, g.padW == 1, g.dilationH == 1, g.dilationW == 1,
      g.inChannels % 16 == 0, g.outChannels % 16 == 0
    else { return nil }
    self.g = g
    self.layouts = layouts
  }

  private typealias Lanes = SIMD16<Float>
  private static let allTaps = Array(0..<9)
  private var n: Int { g.batch }
  private var cin: Int { g.inChannels }
  private var cout: Int { g.outChannels }

  /// output = conv(input, weight) + bias (overwritten). The transformed kernel (as Uᵀ) and
  /// inputs are left in `reuse` for the backward, where there is one.
  func forward(
    input x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    output y: UnsafeMutablePointer<Float>, reuse: ConvolutionReuse?
  ) {
    let (n, cin, cout) = (self.n, self.cin, self.cout)
    ConvolutionReuse.keeping(in: reuse, count: 9 * (cout * cin + n * cin), g, layouts, .winograd2x2) { kept in
      let (uT, v) = (kept, kept + 9 * cout * cin)
      transformInputs(x, into: v)
      ScratchPool.withBuffer(count: 9 * (cin * cout + n * cout)) { scratch in
        let (u, m) = (scratch, scratch + 9 * cin * cout)
        transformKernel(weight, into: uT)
        MatrixTranspose.transpose(uT, rows: cout, columns: cin, into: u, matrices: 9)
        Self.nineProducts(m: n, n: cout, k: cin, v, u, into: m)
        transformProducts(m, bias: bias, into: y)
      }
    }
  }

  /// gradInput = d loss / d input (overwritten), with the forward's transformed kernel where
  /// `reuse` holds it.
  func backwardData(
    gradOutput dy: UnsafePointer<Float>, weight: UnsafePointer<Float>, gradInput dx: UnsafeMutablePointer<Float>,
    reuse: ConvolutionReuse?
  ) {
    let (n, cin, cout) = (self.n, self.cin, self.cout)
    ScratchPool.withBuffer(count: 9 * (n * cout + n * cin)) { scratch in
      let (dm, dv) = (scratch, scratch + 9 * n * cout)
      transformOutputGradients(dy, into: dm)
      func multiply(_ uT: UnsafePointer<Float>) { Self.nineProducts(m: n, n: cin, k: cout, dm, uT, into: dv) }
      ConvolutionReuse.using(reuse, g, layouts, .winograd2x2, count: 9 * cout * cin, orCompute: { transformKernel(weight, into: $0) }, multiply)
      transformInputGradients(dv, into: dx)
    }
  }

  /// gradWeight, gradBias (overwritten; gradBias optional), with the forward's transformed
  /// inputs where `reuse` holds them.
  func backwardWeights(
    input x: UnsafePointer<Float>, gradOutput dy: UnsafePointer<Float>, gradWeight: UnsafeMutablePointer<Float>,
    gradBias: UnsafeMutablePointer<Float>?, reuse: ConvolutionReuse?
  ) {
    let (n, cin, cout) = (self.n, self.cin, self.cout)
    ScratchPool.withBuffer(count: 9 * (n * cout + cout * cin)) { scratch in
      let (dm, duT) = (scratch, scratch + 9 * n * cout)
      transformOutputGradients(dy, into: dm)
      // dU_kᵀ = dM_kᵀ · V_k [Cout, Cin]: the kernel's layout, output channel by output channel.
      func multiply(_ v: UnsafePointer<Float>) { Self.nineProducts(transA: true, m: cout, n: cin, k: n, dm, v, into: duT) }
      ConvolutionReuse.using(
        reuse, g, layouts, .winograd2x2, at: 9 * cout * cin, count: 9 * n * cin, orCompute: { transformInputs(x, into: $0) }, multiply)
      transformKernelGradients(duT, into: gradWeight)
    }
    guard let gradBias else { return }
    gradBias.update(repeating: 0, count: cout)
    let blocks = cout / 16
    for image in 0..<n {
      for block in 0..<blocks {
        let at = dy + (image * blocks + block) * 64
        var sum = Self.load(gradBias + block * 16)
        for pixel in 0..<4 { sum += Self.load(at + pixel * 16) }
        Self.store(sum, gradBias + block * 16)
      }
    }
  }

  /// C_k [m, n] = op(A_k) · B_k for the nine factors, each operand's nine matrices one after
  /// the other (A_k stored [m, k], or [k, m] with `transA`).
  private static func nineProducts(
    transA: Bool = false, m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    into c: UnsafeMutablePointer<Float>
  ) {
    for factor in 0..<9 {
      GEMM.sgemm(
        transA: transA, transB: false, m: m, n: n, k: k, a: a + factor * m * k, lda: transA ? m : k, b: b + factor * k * n,
        ldb: n, c: c + factor * m * n, ldc: n)
    }
  }

  // MARK: The transforms, sixteen channels a vector

  // Along one axis: the inputs' sums T, the kernel's differences S, the products' sums R, and
  // their adjoints (transposes), which the backward passes apply.
  @inline(__always) private static func t(_ x0: Lanes, _ x1: Lanes) -> (Lanes, Lanes, Lanes) { (x1, x0 + x1, x0) }
  @inline(__always) private static func tAdjoint(_ d0: Lanes, _ d1: Lanes, _ d2: Lanes) -> (Lanes, Lanes) { (d1 + d2, d0 + d1) }
  @inline(__always) private static func s(_ w0: Lanes, _ w1: Lanes, _ w2: Lanes) -> (Lanes, Lanes, Lanes) { (w2 - w1, w1, w0 - w1) }
  @inline(__always) private static func sAdjoint(_ d0: Lanes, _ d1: Lanes, _ d2: Lanes) -> (Lanes, Lanes, Lanes) { (d2, d1 - d0 - d2, d0) }
  @inline(__always) private static func r(_ m0: Lanes, _ m1: Lanes, _ m2: Lanes) -> (Lanes, Lanes) { (m0 + m1, m1 + m2) }
  @inline(__always) private static func rAdjoint(_ d0: Lanes, _ d1: Lanes) -> (Lanes, Lanes, Lanes) { (d0, d0 + d1, d1) }

  @inline(__always) private static func load(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }
  @inline(__always) private static func load(_ p: UnsafeMutablePointer<Float>) -> Lanes { load(UnsafePointer(p)) }
  @inline(__always) private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
  }

  /// Stores row `row` of the 3 × 3 factors (k = 3·row ..< 3·row + 3), matrices `stride` apart.
  @inline(__always)
  private static func storeRow(_ v: (Lanes, Lanes, Lanes), _ row: Int, _ target: UnsafeMutablePointer<Float>, stride: Int) {
    store(v.0, target + row * 3 * stride)
    store(v.1, target + (row * 3 + 1) * stride)
    store(v.2, target + (row * 3 + 2) * stride)
  }

  /// Stores column `column` of the 3 × 3 (k = column, column + 3, column + 6), matrices `stride` apart.
  @inline(__always)
  private static func storeColumn(_ v: (Lanes, Lanes, Lanes), _ column: Int, _ target: UnsafeMutablePointer<Float>, stride: Int) {
    store(v.0, target + column * stride)
    store(v.1, target + (column + 3) * stride)
    store(v.2, target + (column + 6) * stride)
  }

  /// V_k [N, Cin] = (T ⊗ T) x, from each image's 2×2 pixels.
  private func transformInputs(_ x: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>) {
    expand(x, channels: cin, into: v, Self.t)
  }

  /// dx = (Tᵀ ⊗ Tᵀ) dV: the adjoint of `transformInputs`.
  private func transformInputGradients(_ dv: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
    contract(dv, channels: cin, bias: nil, into: dx, Self.tAdjoint)
  }

  /// y = (R ⊗ R) M + bias, into each image's 2×2 pixels.
  private func transformProducts(_ m: UnsafePointer<Float>, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) {
    contract(m, channels: cout, bias: bias, into: y, Self.r)
  }

  /// dM_k [N, Cout] = (Rᵀ ⊗ Rᵀ) dy: the adjoint of `transformProducts`.
  private func transformOutputGradients(_ dy: UnsafePointer<Float>, into dm: UnsafeMutablePointer<Float>) {
    expand(dy, channels: cout, into: dm, Self.rAdjoint)
  }

  /// target_k [N, channels] = (f ⊗ f) of each image's 2×2 pixels: along the rows for each
  /// column, then along the columns for each row of factors.
  @inline(__always)
  private func expand(
    _ pixels: UnsafePointer<Float>, channels: Int, into target: UnsafeMutablePointer<Float>,
    _ f: (Lanes, Lanes) -> (Lanes, Lanes, Lanes)
  ) {
    let (n, blocks) = (self.n, channels / 16)
    Parallel.forEachRun(n * blocks, grain: 64) { item, _ in
      let (image, block) = item.quotientAndRemainder(dividingBy: blocks)
      let at = pixels + item * 64
      let (a0, a1, a2) = f(Self.load(at), Self.load(at + 32))  // column 0
      let (b0, b1, b2) = f(Self.load(at + 16), Self.load(at + 48))  // column 1
      let row = target + image * channels + block * 16
      Self.storeRow(f(a0, b0), 0, row, stride: n * channels)
      Self.storeRow(f(a1, b1), 1, row, stride: n * channels)
      Self.storeRow(f(a2, b2), 2, row, stride: n * channels)
    }
  }

  /// Each image's 2×2 pixels = (f ⊗ f) of the nine matrices [N, channels] (+ bias): along the
  /// columns for each row of factors, then along the rows. `expand`'s adjoint for f's transpose.
  @inline(__always)
  private func contract(
    _ factors: UnsafePointer<Float>, channels: Int, bias: UnsafePointer<Float>?, into pixels: UnsafeMutablePointer<Float>,
    _ f: (Lanes, Lanes, Lanes) -> (Lanes, Lanes)
  ) {
    let (n, blocks) = (self.n, channels / 16)
    Parallel.forEachRun(n * blocks, grain: 64) { item, _ in
      let (image, block) = item.quotientAndRemainder(dividingBy: blocks)
      let source = factors + image * channels + block * 16
      func d(_ k: Int) -> Lanes { Self.load(source + k * n * channels) }
      let (a0, a1) = f(d(0), d(1), d(2))
      let (b0, b1) = f(d(3), d(4), d(5))
      let (c0, c1) = f(d(6), d(7), d(8))
      let (p00, p10) = f(a0, b0, c0)
      let (p01, p11) = f(a1, b1, c1)
      let at = pixels + item * 64
      // (No zero added without a bias: −0 stays −0.)
      let shift = bias.map { Self.load($0 + block * 16) }
      Self.store(shift.map { p00 + $0 } ?? p00, at)
      Self.store(shift.map { p01 + $0 } ?? p01, at + 16)
      Self.store(shift.map { p10 + $0 } ?? p10, at + 32)
      Self.store(shift.map { p11 + $0 } ?? p11, at + 48)
    }
  }

  /// U_kᵀ [Cout, Cin] = (S ⊗ S) w, one output channel per task: its weights laid out tap by tap
  /// first, input channels side by side.
  private func transformKernel(_ weight: UnsafePointer<Float>, into uT: UnsafeMutablePointer<Float>) {
    let (cin, cout) = (self.cin, self.cout)
    Parallel.forEachRun(cout, grain: 16, scratch: 9 * cin) { co, byTap in
      KernelTaps.gather(weight + co * cin * 9, cin: cin, taps: 9, used: Self.allTaps, into: byTap)
      for ci in stride(from: 0, to: cin, by: 16) {
        func tap(_ kh: Int, _ kw: Int) -> Lanes { Self.load(byTap + (kh * 3 + kw) * cin + ci) }
        let (a0, a1, a2) = Self.s(tap(0, 0), tap(1, 0), tap(2, 0))  // column 0 along the rows
        let (b0, b1, b2) = Self.s(tap(0, 1), tap(1, 1), tap(2, 1))
        let (c0, c1, c2) = Self.s(tap(0, 2), tap(1, 2), tap(2, 2))
        let target = uT + co * cin + ci
        Self.storeRow(Self.s(a0, b0, c0), 0, target, stride: cout * cin)
        Self.storeRow(Self.s(a1, b1, c1), 1, target, stride: cout * cin)
        Self.storeRow(Self.s(a2, b2, c2), 2, target, stride: cout * cin)
      }
    }
  }

  /// dw = (Sᵀ ⊗ Sᵀ) dU: the adjoint of `transformKernel`, into the kernel's OIHW layout.
  private func transformKernelGradients(_ duT: UnsafePointer<Float>, into gradWeight: UnsafeMutablePointer<Float>) {
    let (cin, cout) = (self.cin, self.cout)
    Parallel.forEachRun(cout, grain: 16, scratch: 9 * cin) { co, byTap in
      for ci in stride(from: 0, to: cin, by: 16) {
        func d(_ k: Int) -> Lanes { Self.load(duT + k * cout * cin + co * cin + ci) }
        // Along the columns, for each row of factors; then along the rows.
        let (a0, a1, a2) = Self.sAdjoint(d(0), d(1), d(2))
        let (b0, b1, b2) = Self.sAdjoint(d(3), d(4), d(5))
        let (c0, c1, c2) = Self.sAdjoint(d(6), d(7), d(8))
        // Tap (kh, kw) at byTap + (3·kh + kw)·cin: a column of taps is 1 apart in kw.
        Self.storeColumn(Self.sAdjoint(a0, b0, c0), 0, byTap + ci, stride: cin)
        Self.storeColumn(Self.sAdjoint(a1, b1, c1), 1, byTap + ci, stride: cin)
        Self.storeColumn(Self.sAdjoint(a2, b2, c2), 2, byTap + ci, stride: cin)
      }
      KernelTaps.scatter(byTap, cin: cin, taps: 9, used: Self.allTaps, into: gradWeight + co * cin * 9)
    }
  }
}
