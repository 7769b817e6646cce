/// Convolution as im2col + GEMM: each image is unfolded into a matrix (Im2col) and multiplied
/// through `GEMM`. Images are spread over worker threads, each running single-threaded GEMMs
/// on its own slice of scratch memory: per-image GEMMs are too small to split well across
/// cores, but several of them run side by side at full single-core speed.
enum Im2colConvolution {
  // MARK: Directions

  static func forward(
    _ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, workers: Int? = nil
  ) {
    let s = Shape(g)
    perImage(g, workers: workers, scratchPerWorker: s.scratchCount) { n, scratch in
      let x = input + n * s.inImage
      let y = output + n * s.outImage
      let col = s.identityUnfold ? x : UnsafePointer(unfold(g, s, x, into: scratch))
      // Seeding the output with the bias and accumulating (beta 1) costs no extra pass over
      // the output.
      if let bias {
        for c in 0..<g.outChannels { (y + c * s.pixels).initialize(repeating: bias[c], count: s.pixels) }
      }
      for grp in 0..<g.groups {
        GEMM.sgemm(
          transA: false, transB: false, m: s.outPerGroup, n: s.pixels, k: s.rowsPerGroup,
          a: weight + grp * s.outPerGroup * s.rowsPerGroup, lda: s.rowsPerGroup,
          b: col + grp * s.rowsPerGroup * s.pixels, ldb: s.pixels,
          beta: bias == nil ? 0 : 1, c: y + grp * s.outPerGroup * s.pixels, ldc: s.pixels)
      }
    }
  }

  static func backwardData(
    _ g: Conv2dGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    gradInput: UnsafeMutablePointer<Float>, workers: Int? = nil
  ) {
    let s = Shape(g)
    perImage(g, workers: workers, scratchPerWorker: s.scratchCount) { n, scratch in
      let dy = gradOutput + n * s.outImage
      let dx = gradInput + n * s.inImage
      // d col = Wᵀ · d y, then folded back onto the image (directly the image for 1×1).
      let col = s.identityUnfold ? dx : scratch
      for grp in 0..<g.groups {
        GEMM.sgemm(
          transA: true, transB: false, m: s.rowsPerGroup, n: s.pixels, k: s.outPerGroup,
          a: weight + grp * s.outPerGroup * s.rowsPerGroup, lda: s.rowsPerGroup,
          b: dy + grp * s.outPerGroup * s.pixels, ldb: s.pixels,
          beta: 0, c: col + grp * s.rowsPerGroup * s.pixels, ldc: s.pixels)
      }
      if !s.identityUnfold {
        Im2col.fold(g, channels: g.inChannels, col: col, image: dx, scratch: scratch + s.colCount)
      }
    }
  }

  static func backwardWeights(
    _ g: Conv2dGeometry, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
    gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?, workers: Int? = nil
  ) {
    let s = Shape(g)
    // Each worker sums d W over its images into its own accumulator (worker 0 straight into
    // gradWeight); the accumulators are added up at the end.
    let weights = g.weightCount, biases = gradBias == nil ? 0 : g.outChannels
    let accumulators = roundUp(weights + biases)
    let workers = workerCount(g, workers)
    ScratchPool.withBuffer(count: workers * (roundUp(s.scratchCount) + accumulators)) { scratch in
      let partials = scratch + workers * roundUp(s.scratchCount)
      gradWeight.initialize(repeating: 0, count: weights)
      gradBias?.initialize(repeating: 0, count: biases)
      partials.initialize(repeating: 0, count: workers * accumulators)
      perImage(g, workers: workers, scratch: scratch, scratchPerWorker: s.scratchCount) { n, worker, col in
        let x = input + n * s.inImage
        let dy = gradOutput + n * s.outImage
        let dW = worker == 0 ? gradWeight : partials + worker * accumulators
        // No bias gradient asked for: no slot for it either (the accumulators hold weights only).
        let dB = gradBias == nil ? nil : worker == 0 ? gradBias : partials + worker * accumulators + weights
        let cols = s.identityUnfold ? x : UnsafePointer(unfold(g, s, x, into: col))
        for grp in 0..<g.groups {
          GEMM.sgemm(
            transA: false, transB: true, m: s.outPerGroup, n: s.rowsPerGroup, k: s.pixels,
            a: dy + grp * s.outPerGroup * s.pixels, lda: s.pixels,
            b: cols + grp * s.rowsPerGroup * s.pixels, ldb: s.pixels,
            beta: 1, c: dW + grp * s.outPerGroup * s.rowsPerGroup, ldc: s.rowsPerGroup)
        }
        if let dB {
          for c in 0..<g.outChannels { dB[c] += sum(dy + c * s.pixels, count: s.pixels) }
        }
      }
      for worker in 1..<Swift.max(workers, 1) {
        let partial = partials + worker * accumulators
        for i in 0..<weights { gradWeight[i] += partial[i] }
        if let gradBias { for c in 0..<biases { gradBias[c] += partial[weights + c] } }
      }
    }
  }

  // MARK: Shapes and workers

  /// Matrix sizes of one image, per group.
  struct Shape {
    let pixels: Int  // Ho·Wo: columns of the unfolded matrix
    let rowsPerGroup: Int  // (Cin/groups)·kh·kw
    let outPerGroup: Int
    let inImage: Int
    let outImage: Int
    /// 1×1, stride 1, no padding: the image already is its unfolded matrix.
    let identityUnfold: Bool
    /// The unfolded matrix of one image.
    let colCount: Int
    /// Per-worker scratch: the matrix, then what Im2col needs beside it.
    let scratchCount: Int

    init(_ g: Conv2dGeometry) {
      pixels = g.outHeight * g.outWidth
      rowsPerGroup = g.inChannels / g.groups * g.kernelHeight * g.kernelWidth
      outPerGroup = g.outChannels / g.groups
      inImage = g.inChannels * g.height * g.width
      outImage = g.outChannels * pixels
      identityUnfold =
        g.kernelHeight == 1 && g.kernelWidth == 1 && g.strideH == 1 && g.strideW == 1
        && g.padH == 0 && g.padW == 0
      colCount = identityUnfold ? 0 : rowsPerGroup * g.groups * pixels
      scratchCount = identityUnfold ? 0 : colCount + Im2col.scratchCount(g)
    }
  }

  /// Unfolds `image` into a worker's scratch: the matrix first, Im2col's phase plane after it.
  @inline(__always)
  static func unfold(
    _ g: Conv2dGeometry, _ s: Shape, _ image: UnsafePointer<Float>, into scratch: UnsafeMutablePointer<Float>
  ) -> UnsafeMutablePointer<Float> {
    Im2col.unfold(g, channels: g.inChannels, image: image, col: scratch, scratch: scratch + s.colCount)
    return scratch
  }

  /// Scratch slices start on 64-byte boundaries.
  @inline(__always) static func roundUp(_ count: Int) -> Int { (count + 15) & ~15 }

  /// One worker per core (`Parallel.threads`, or `requested` — tests ask for more than the
  /// cores), never more than images.
  static func workerCount(_ g: Conv2dGeometry, _ requested: Int? = nil) -> Int {
    Swift.max(1, Swift.min(requested ?? Parallel.threads, g.batch))
  }

  /// Calls `body(image, scratch)` once for every image of the batch, on `workerCount` threads
  /// that each own `scratchPerWorker` floats of scratch.
  static func perImage(
    _ g: Conv2dGeometry, workers requested: Int?, scratchPerWorker: Int,
    _ body: (_ image: Int, _ scratch: UnsafeMutablePointer<Float>) -> Void
  ) {
    let workers = workerCount(g, requested)
    ScratchPool.withBuffer(count: workers * roundUp(scratchPerWorker)) { scratch in
      perImage(g, workers: workers, scratch: scratch, scratchPerWorker: scratchPerWorker) { n, _, slice in
        body(n, slice)
      }
    }
  }

  /// Each worker takes its own contiguous run of images, so the same images meet the same
  /// scratch slice and per-worker sums add the same numbers in the same order on every run:
  /// when workers claimed images as they came free, reruns of a training run with the same
  /// seed differed at rounding level (measured at 2 threads). GEMMs inside are
  /// single-threaded while workers run side by side; with one worker (batch of one) the GEMMs
  /// keep all their threads.
  static func perImage(
    _ g: Conv2dGeometry, workers: Int, scratch: UnsafeMutablePointer<Float>, scratchPerWorker: Int,
    _ body: (_ image: Int, _ worker: Int, _ scratch: UnsafeMutablePointer<Float>) -> Void
  ) {
    if workers <= 1 {
      for n in 0..<g.batch { body(n, 0, scratch) }
      return
    }
    let share = (g.batch + workers - 1) / workers
    Parallel.forEach(workers) { worker in
      let slice = scratch + worker * roundUp(scratchPerWorker)
      OpenMP.withThreads(1) {
        for n in Swift.min(g.batch, worker * share)..<Swift.min(g.batch, (worker + 1) * share) { body(n, worker, slice) }
      }
    }
  }

  /// Sum of `count` floats, in 16 lanes so the loop vectorizes.
  @inline(__always)
  static func sum(_ p: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD16<Float>()
    var i = 0
    while i + 16 <= count {
      lanes += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
      i += 16
    }
    var total = lanes.sum()
    while i < count {
      total += p[i]
      i += 1
    }
    return total
  }
}
