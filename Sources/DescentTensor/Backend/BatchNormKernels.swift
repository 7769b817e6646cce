/// Batch normalization over float32 or bfloat16 buffers (statistics and arithmetic in float32)
/// in NCHW or in the blocked nChw16c layout
/// (`BatchNormLayout`; `spatial` = H·W; a 1-D batch norm over N×C features is NCHW with
/// spatial = 1). Each channel is normalized over its n·spatial values:
/// y = (x − mean) · invStd · weight + bias, with invStd = 1/√(var + eps) and the biased
/// variance, as PyTorch does. Weight and bias are optional (affine=False passes nil).
/// Outputs and gradients are overwritten. With `relu`, a ReLU after the batch norm runs in the
/// same passes (forward: max(y, 0) as y is written; backward: the gradient is masked where the
/// saved output is 0 as it is read), so the pair costs the memory traffic of the batch norm
/// alone and keeps one activation instead of two.
///
/// Runs in Swift rather than through oneDNN: for NCHW data oneDNN 2.6 picks its generic
/// `ncsp_bnorm` implementation, which measured 3–5× slower forward+backward than these two
/// streaming passes (a statistics pass, then one fused elementwise pass): on 2 cores,
/// 64×64×32×32 took 1.4 ms against 7.2 ms and 64×256×8×8 0.51 ms against 1.57 ms. Its fast JIT
/// kernels need blocked layouts, and the reorders to reach them would cost more than the op.
///
/// Work is split into contiguous ranges of planes, one per thread, so every pass streams memory
/// in order. A plane is one (image, channel) run of `spatial` values in NCHW, one (image, block
/// of 16 channels) run of 16·`spatial` values blocked — there each SIMD16 lane is a channel, so
/// the same loops run with per-lane coefficients instead of one broadcast value; per-channel sums go to per-task Double slices (no sharing)
/// that are added at the end. Scratch comes from `withUnsafeTemporaryAllocation`, once per call.
public enum BatchNormKernels {
  /// How the activations lie in memory.
  public enum BatchNormLayout: Sendable {
    /// NCHW: one channel per run of `spatial` values.
    case planar
    /// oneDNN's nChw16c (c a multiple of 16): sixteen channels per run of 16·`spatial` values.
    case blocked16
  }

  /// Training-mode forward: normalizes with the batch's own statistics and saves the mean and
  /// inverse standard deviation for `backward`. With `sync`, the statistics are those of every
  /// process's batch together (SyncBatchNorm). Returns the values per channel the statistics
  /// cover (n·spatial, summed over the processes with `sync`).
  @discardableResult
  public static func forwardTraining(
    input: UnsafeRawPointer, n: Int, c: Int, spatial: Int,
    weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, eps: Float,
    output: UnsafeMutableRawPointer,
    saveMean: UnsafeMutablePointer<Float>, saveInvStd: UnsafeMutablePointer<Float>, relu: Bool = false,
    residual: UnsafeRawPointer? = nil, layout: BatchNormLayout = .planar, element: StorageFormat.Element = .float32,
    sync: CrossProcessSum? = nil
  ) -> Int {
    switch element {
    case .float32:
      forwardTraining(
        Float32Element.self, input, n, c, spatial, weight, bias, eps, output, saveMean, saveInvStd, relu, residual,
        layout, sync)
    case .bfloat16:
      forwardTraining(
        BFloat16Element.self, input, n, c, spatial, weight, bias, eps, output, saveMean, saveInvStd, relu, residual,
        layout, sync)
    }
  }

  private static func forwardTraining<E: StorageElement>(
    _: E.Type, _ input: UnsafeRawPointer, _ n: Int, _ c: Int, _ spatial: Int,
    _ weight: UnsafePointer<Float>?, _ bias: UnsafePointer<Float>?, _ eps: Float, _ output: UnsafeMutableRawPointer,
    _ saveMean: UnsafeMutablePointer<Float>, _ saveInvStd: UnsafeMutablePointer<Float>, _ relu: Bool,
    _ residual: UnsafeRawPointer?, _ layout: BatchNormLayout, _ sync: CrossProcessSum?
  ) -> Int {
    precondition(n > 0 && c > 0 && spatial > 0, "batch norm needs at least one value per channel")
    let planes = Planes(n: n, c: c, spatial: spatial, layout: layout)
    var count = Double(n * spatial)
    return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * c * planes.tasks) { sums in
      withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * c) { floats in
        let (shift, scale, offset) = (floats.baseAddress!, floats.baseAddress! + c, floats.baseAddress! + 2 * c)
        // Sums shifted by each channel's first value, so that E[(x−k)²] − E[x−k]² does not
        // cancel catastrophically when |mean| ≫ std.
        for ch in 0..<c { shift[ch] = E.load(input, planes.firstOffset(ch)) }
        if planes.isFeatureRows {
          planes.featureSums(into: sums.baseAddress!) { i, ch in
            let v = Double(E.load(input, i) - shift[ch])
            return (v, v * v)
          }
        } else {
          planes.channelSums(into: sums.baseAddress!) { at, first in
            planes.inChannelOrder(
              E.self, shiftedSums(E.self, input + at * E.size, planes.run, planes.lanes(E.self, shift, first)))
          }
        }
        if let sync { count = synchronize(sums.baseAddress!, shift: shift, c: c, count: count, sync) }
        for ch in 0..<c {
          let meanShifted = sums[2 * ch] / count
          let variance = max(0, sums[2 * ch + 1] / count - meanShifted * meanShifted)
          let mean = Double(shift[ch]) + meanShifted
          let invStd = 1 / (variance + Double(eps)).squareRoot()
          saveMean[ch] = Float(mean)
          saveInvStd[ch] = Float(invStd)
          let a = Double(weight?[ch] ?? 1) * invStd
          scale[ch] = Float(a)
          offset[ch] = Float(Double(bias?[ch] ?? 0) - mean * a)
        }
        let walk = planes.vectorWalk(exact: !relu && residual == nil)
        walk.forEach { at, first in
          affine(
            E.self, input + at * E.size, output + at * E.size, walk.run, walk.lanes(E.self, scale, first),
            walk.lanes(E.self, offset, first), relu: relu, residual: residual.map { $0 + at * E.size })
        }
        return Int(count)
      }
    }
  }

  /// Turns one process's shifted sums (Σ(x−k), Σ(x−k)² per channel, over `count` values)
  /// into those of every process's batch together, about the same shifts; returns the total
  /// count. The processes' shifts differ, so they add plain Σx and Σx², made here from each
  /// process's own centred statistics in Double (losing about log2((mean/std)²) of Double's 53
  /// bits, harmless for float32 results).
  private static func synchronize(
    _ sums: UnsafeMutablePointer<Double>, shift: UnsafePointer<Float>, c: Int, count: Double, _ sync: CrossProcessSum
  ) -> Double {
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * c + 1) { all in
      for ch in 0..<c {
        let meanShifted = sums[2 * ch] / count
        let variance = max(0, sums[2 * ch + 1] / count - meanShifted * meanShifted)
        let mean = Double(shift[ch]) + meanShifted
        all[2 * ch] = count * mean
        all[2 * ch + 1] = count * (variance + mean * mean)
      }
      all[2 * c] = count
      sync(all)
      let total = all[2 * c]
      for ch in 0..<c {
        let mean = all[2 * ch] / total
        let variance = max(0, all[2 * ch + 1] / total - mean * mean)
        let meanShifted = mean - Double(shift[ch])
        sums[2 * ch] = total * meanShifted
        sums[2 * ch + 1] = total * (variance + meanShifted * meanShifted)
      }
      return total
    }
  }

  /// Evaluation-mode forward: normalizes with the running statistics.
  public static func forwardInference(
    input: UnsafeRawPointer, n: Int, c: Int, spatial: Int,
    weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
    runningMean: UnsafePointer<Float>, runningVar: UnsafePointer<Float>, eps: Float,
    output: UnsafeMutableRawPointer, relu: Bool = false, layout: BatchNormLayout = .planar,
    element: StorageFormat.Element = .float32
  ) {
    let planes = Planes(n: n, c: c, spatial: spatial, layout: layout)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * c) { buffer in
      let scale = buffer.baseAddress!, offset = buffer.baseAddress! + c
      for ch in 0..<c {
        scale[ch] = (weight?[ch] ?? 1) / (runningVar[ch] + eps).squareRoot()
        offset[ch] = (bias?[ch] ?? 0) - runningMean[ch] * scale[ch]
      }
      let walk = planes.vectorWalk(exact: !relu)
      walk.forEach { at, first in
        let (x, y) = (input + at * element.byteCount, output + at * element.byteCount)
        switch element {
        case .float32:
          let (a, b) = (walk.lanes(Float32Element.self, scale, first), walk.lanes(Float32Element.self, offset, first))
          affine(Float32Element.self, x, y, walk.run, a, b, relu: relu)
        case .bfloat16:
          let (a, b) = (walk.lanes(BFloat16Element.self, scale, first), walk.lanes(BFloat16Element.self, offset, first))
          affine(BFloat16Element.self, x, y, walk.run, a, b, relu: relu)
        }
      }
    }
  }

  /// Training-mode backward (the statistics depend on the input), given the mean and invStd
  /// that `forwardTraining` saved. Writes gradInput, and gradWeight / gradBias when given.
  /// `reluOutput`, the output of a forward run with `relu`, masks the incoming gradient.
  ///
  /// With x̂ = (x − mean)·invStd and M = n·spatial values per channel:
  /// dBias = Σdy, dWeight = Σdy·x̂, dx = weight·invStd·(dy − dBias/M − x̂·dWeight/M).
  /// With `sync` (SyncBatchNorm), dx takes Σdy, Σdy·x̂ and M over every process's batch, while
  /// dWeight and dBias stay this process's own (data-parallel training averages them after).
  public static func backward(
    input: UnsafeRawPointer, gradOutput: UnsafeRawPointer, n: Int, c: Int, spatial: Int,
    weight: UnsafePointer<Float>?,
    saveMean: UnsafePointer<Float>, saveInvStd: UnsafePointer<Float>,
    gradInput: UnsafeMutableRawPointer,
    gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?,
    reluOutput: UnsafeRawPointer? = nil, maskedGradOutput: UnsafeMutableRawPointer? = nil,
    layout: BatchNormLayout = .planar, element: StorageFormat.Element = .float32, sync: CrossProcessSum? = nil
  ) {
    switch element {
    case .float32:
      backward(
        Float32Element.self, input, gradOutput, n, c, spatial, weight, saveMean, saveInvStd, gradInput, gradWeight,
        gradBias, reluOutput, maskedGradOutput, layout, sync)
    case .bfloat16:
      backward(
        BFloat16Element.self, input, gradOutput, n, c, spatial, weight, saveMean, saveInvStd, gradInput, gradWeight,
        gradBias, reluOutput, maskedGradOutput, layout, sync)
    }
  }

  private static func backward<E: StorageElement>(
    _: E.Type, _ input: UnsafeRawPointer, _ gradOutput: UnsafeRawPointer, _ n: Int, _ c: Int, _ spatial: Int,
    _ weight: UnsafePointer<Float>?, _ saveMean: UnsafePointer<Float>, _ saveInvStd: UnsafePointer<Float>,
    _ gradInput: UnsafeMutableRawPointer, _ gradWeight: UnsafeMutablePointer<Float>?,
    _ gradBias: UnsafeMutablePointer<Float>?, _ reluOutput: UnsafeRawPointer?,
    _ maskedGradOutput: UnsafeMutableRawPointer?, _ layout: BatchNormLayout, _ sync: CrossProcessSum?
  ) {
    let planes = Planes(n: n, c: c, spatial: spatial, layout: layout)
    var count = Double(n * spatial)
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * c * planes.tasks + 1) { sums in
      withUnsafeTemporaryAllocation(of: Float.self, capacity: 3 * c) { floats in
        let (k, p, q) = (floats.baseAddress!, floats.baseAddress! + c, floats.baseAddress! + 2 * c)
        if planes.isFeatureRows {
          planes.featureSums(into: sums.baseAddress!) { i, ch in
            let g = masked(E.self, E.load(gradOutput, i), reluOutput, i)
            if let maskedGradOutput { E.store(g, maskedGradOutput, i) }
            return (Double(g), Double(g) * Double(E.load(input, i) - saveMean[ch]))
          }
        } else {
          planes.channelSums(into: sums.baseAddress!) { at, first in
            planes.inChannelOrder(
              E.self,
              gradientSums(
                E.self, gradOutput + at * E.size, input + at * E.size, reluOutput.map { $0 + at * E.size }, planes.run,
                planes.lanes(E.self, saveMean, first), storingMasked: maskedGradOutput.map { $0 + at * E.size }))
          }
        }
        for ch in 0..<c {
          gradBias?[ch] = Float(sums[2 * ch])
          gradWeight?[ch] = Float(sums[2 * ch + 1] * Double(saveInvStd[ch]))
        }
        if let sync {
          // This process's sums are done with (dWeight, dBias); dx needs everyone's.
          sums[2 * c] = count
          sync(UnsafeMutableBufferPointer(start: sums.baseAddress!, count: 2 * c + 1))
          count = sums[2 * c]
        }
        for ch in 0..<c {
          let sumDy = sums[2 * ch], sumDyXmu = sums[2 * ch + 1]
          let invStd = Double(saveInvStd[ch])
          // dx = k·dy + p·(x − mean) + q: one fused pass over dy and x. Centring x first keeps
          // p·x and q from cancelling when |mean| ≫ std.
          let kd = Double(weight?[ch] ?? 1) * invStd
          k[ch] = Float(kd)
          p[ch] = Float(-kd * invStd * invStd * sumDyXmu / count)
          q[ch] = Float(-kd * sumDy / count)
        }
        // With the masked gradient written out, the second pass reads it instead of dy and the mask.
        let (dy, mask) = maskedGradOutput.map { (UnsafeRawPointer($0), nil) } ?? (gradOutput, reluOutput)
        let walk = planes.vectorWalk(exact: mask == nil)
        walk.forEach { at, first in
          gradientAffine(
            E.self, dy + at * E.size, input + at * E.size, mask.map { $0 + at * E.size },
            gradInput + at * E.size, walk.run, walk.lanes(E.self, saveMean, first), walk.lanes(E.self, k, first),
            walk.lanes(E.self, p, first), walk.lanes(E.self, q, first))
        }
      }
    }
  }

  /// PyTorch's running-statistics update after a training forward:
  /// running = (1 − momentum)·running + momentum·batch, with the batch variance made unbiased
  /// (× count/(count − 1)) for runningVar. `count` is the values per channel, n·spatial.
  public static func updateRunningStats(
    runningMean: UnsafeMutablePointer<Float>, runningVar: UnsafeMutablePointer<Float>,
    batchMean: UnsafePointer<Float>, batchVarBiased: UnsafePointer<Float>,
    channels: Int, count: Int, momentum: Float
  ) {
    let unbias = count > 1 ? Float(count) / Float(count - 1) : 1
    for ch in 0..<channels {
      runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * batchMean[ch]
      runningVar[ch] = (1 - momentum) * runningVar[ch] + momentum * batchVarBiased[ch] * unbias
    }
  }

  /// The same update from what `forwardTraining` saved: the biased variance is 1/invStd² − eps.
  public static func updateRunningStats(
    runningMean: UnsafeMutablePointer<Float>, runningVar: UnsafeMutablePointer<Float>,
    saveMean: UnsafePointer<Float>, saveInvStd: UnsafePointer<Float>, eps: Float,
    channels: Int, count: Int, momentum: Float
  ) {
    let unbias = count > 1 ? Double(count) / Double(count - 1) : 1
    for ch in 0..<channels {
      let invStd = Double(saveInvStd[ch])
      let variance = max(0, 1 / (invStd * invStd) - Double(eps))
      runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * saveMean[ch]
      runningVar[ch] = (1 - momentum) * runningVar[ch] + momentum * Float(variance * unbias)
    }
  }

  // MARK: - Per-plane passes

  typealias Vector = SIMD16<Float>

  /// Σ(x − shift) and Σ(x − shift)² over one contiguous run, per lane (a planar run's lanes
  /// are one channel, to be added across; a blocked run's lanes are 16 channels), with a
  /// planar run's tail past the last whole vector in Double.
  @inline(__always)
  static func shiftedSums<E: StorageElement>(_: E.Type, _ x: UnsafeRawPointer, _ count: Int, _ shift: Vector) -> LaneSums {
    var s = Vector(), ss = Vector()
    var i = 0
    while i + Vector.scalarCount <= count {
      let v = E.load16(x, i) - shift
      s += v
      ss += v * v
      i += Vector.scalarCount
    }
    var tail = (0.0, 0.0)
    while i < count {
      let v = Double(E.load(x, i) - shift[0])
      tail.0 += v
      tail.1 += v * v
      i += 1
    }
    return LaneSums(first: s, second: ss, tail: tail)
  }

  /// y = x·scale + offset over one contiguous run, plus `residual` (y rounded to the element
  /// type first, as storing it would), then max(y, 0) with `relu` (as ReLU rounds it: a NaN
  /// stays NaN in the vector lanes).
  @inline(__always)
  static func affine<E: StorageElement>(
    _: E.Type, _ x: UnsafeRawPointer, _ y: UnsafeMutableRawPointer, _ count: Int, _ scale: Vector, _ offset: Vector,
    relu: Bool, residual: UnsafeRawPointer? = nil
  ) {
    var i = 0
    // `relu` and `residual` are the same for the whole loop: the compiler unswitches them.
    while i + Vector.scalarCount <= count {
      var v = E.load16(x, i) * scale + offset
      if let residual { v = E.roundTrip16(v) + E.load16(residual, i) }
      if relu { v.replace(with: 0, where: v .< 0) }
      E.store16(v, y, i)
      i += Vector.scalarCount
    }
    while i < count {
      var v = E.load(x, i) * scale[0] + offset[0]
      if let residual { v = E.roundTrip(v) + E.load(residual, i) }
      E.store(relu && !(v > 0) ? 0 : v, y, i)
      i += 1
    }
  }

  /// dy where the fused ReLU's output was positive (or dy itself without one).
  @inline(__always)
  static func masked<E: StorageElement>(_: E.Type, _ g: Vector, _ reluOutput: UnsafeRawPointer?, _ i: Int) -> Vector {
    guard let reluOutput else { return g }
    return g.replacing(with: 0, where: E.load16(reluOutput, i) .<= 0)
  }

  @inline(__always)
  static func masked<E: StorageElement>(_: E.Type, _ g: Float, _ reluOutput: UnsafeRawPointer?, _ i: Int) -> Float {
    guard let reluOutput else { return g }
    return E.load(reluOutput, i) > 0 ? g : 0
  }

  /// Σdy and Σdy·(x − mean) over one contiguous run (dy masked by `reluOutput` when given),
  /// storing the masked dy where `storingMasked` says (exactly: masking does not round).
  @inline(__always)
  static func gradientSums<E: StorageElement>(
    _: E.Type, _ dy: UnsafeRawPointer, _ x: UnsafeRawPointer, _ reluOutput: UnsafeRawPointer?, _ count: Int,
    _ mean: Vector, storingMasked: UnsafeMutableRawPointer? = nil
  ) -> LaneSums {
    var s = Vector(), sx = Vector()
    var i = 0
    while i + Vector.scalarCount <= count {
      let g = masked(E.self, E.load16(dy, i), reluOutput, i)
      if let storingMasked { E.store16(g, storingMasked, i) }
      let v = E.load16(x, i) - mean
      s += g
      sx += g * v
      i += Vector.scalarCount
    }
    var tail = (0.0, 0.0)
    while i < count {
      let g = masked(E.self, E.load(dy, i), reluOutput, i)
      if let storingMasked { E.store(g, storingMasked, i) }
      tail.0 += Double(g)
      tail.1 += Double(g) * Double(E.load(x, i) - mean[0])
      i += 1
    }
    return LaneSums(first: s, second: sx, tail: tail)
  }

  /// dx = k·dy + p·(x − mean) + q over one contiguous run (dy masked by `reluOutput`).
  @inline(__always)
  static func gradientAffine<E: StorageElement>(
    _: E.Type, _ dy: UnsafeRawPointer, _ x: UnsafeRawPointer, _ reluOutput: UnsafeRawPointer?,
    _ dx: UnsafeMutableRawPointer, _ count: Int, _ mean: Vector, _ k: Vector, _ p: Vector, _ q: Vector
  ) {
    var i = 0
    while i + Vector.scalarCount <= count {
      let g = masked(E.self, E.load16(dy, i), reluOutput, i)
      let v = E.load16(x, i) - mean
      E.store16(g * k + v * p + q, dx, i)
      i += Vector.scalarCount
    }
    while i < count {
      E.store(masked(E.self, E.load(dy, i), reluOutput, i) * k[0] + (E.load(x, i) - mean[0]) * p[0] + q[0], dx, i)
      i += 1
    }
  }

  /// A pair of per-lane sums over one run, and a planar run's tail.
  struct LaneSums {
    var first: Vector, second: Vector
    var tail: (Double, Double)
  }

  // MARK: - Work split

  /// The runs of one tensor and their split over threads.
  struct Planes {
    let c: Int, spatial: Int, layout: BatchNormLayout
    /// Runs in memory order, each of `run` values: n·c planar, n·c/16 blocked.
    let count: Int
    let run: Int
    /// One contiguous range of runs (so of memory) per thread, or a single task on this
    /// thread when the tensor is too small to wake workers.
    let tasks: Int

    init(n: Int, c: Int, spatial: Int, layout: BatchNormLayout) {
      precondition(layout == .planar || c % 16 == 0, "blocked batch norm needs channels in blocks of 16, not \(c)")
      (self.c, self.spatial, self.layout) = (c, spatial, layout)
      count = layout == .planar ? n * c : n * c / 16
      run = layout == .planar ? spatial : 16 * spatial
      tasks = max(1, min(count, Parallel.threads, count * run / Parallel.minimumParallelElements))
    }

    /// Channels per run.
    var width: Int { layout == .planar ? 1 : 16 }

    /// [N, C] features (a head's BatchNorm1d): runs of one value, which the per-run passes
    /// walk at several nanoseconds a value (fastai's head on [128, 1024]: 3.3 ms a step).
    var isFeatureRows: Bool { layout == .planar && spatial == 1 }

    /// The walk of an elementwise pass. [N, C] features with C a multiple of 16 lie as the
    /// blocked layout does, so they are walked sixteen channels a vector: the same arithmetic
    /// per value as runs of one, so the same bits — but where a ReLU meets −0 or NaN, whose
    /// vector and scalar forms differ, so only where `exact` says no ReLU or mask is involved.
    func vectorWalk(exact: Bool) -> Planes {
      isFeatureRows && exact && c % 16 == 0 ? Planes(n: count / c, c: c, spatial: 1, layout: .blocked16) : self
    }

    /// `channelSums` for feature rows: the per-channel totals of `pair(index, channel)` over
    /// every value, added in the order and with the task split `channelSums` uses for runs of
    /// one value (so its bits: there the vector sums are zero and the tails are these), without
    /// the per-run vector work.
    @inline(__always)
    func featureSums(into sums: UnsafeMutablePointer<Double>, _ pair: (_ index: Int, _ channel: Int) -> (Double, Double)) {
      let c = c
      perTaskSums(into: sums) { slice, r in
        let ch = r % c
        let (a, b) = pair(r, ch)
        // 0 + a as channelSums adds a run's zero vector sum and its tail (−0 becomes +0 there).
        slice[2 * ch] += 0 + a
        slice[2 * ch + 1] += 0 + b
      }
    }

    /// The offset of channel `ch`'s first value (image 0, first pixel).
    @inline(__always)
    func firstOffset(_ ch: Int) -> Int {
      layout == .planar ? ch * spatial : (ch / 16) * run + ch % 16
    }

    /// The coefficients of a run's lanes: its channel's broadcast (planar), or channels
    /// `first`..<`first`+16 in the lane order `E`'s loads use (blocked).
    @inline(__always)
    func lanes<E: StorageElement>(_: E.Type, _ perChannel: UnsafePointer<Float>, _ first: Int) -> Vector {
      layout == .planar
        ? Vector(repeating: perChannel[first])
        : E.laneOrder(UnsafeRawPointer(perChannel + first).loadUnaligned(as: Vector.self))
    }

    /// A blocked run's per-lane sums put back in channel order (a planar run's lanes are one
    /// channel, summed across as they are).
    @inline(__always)
    func inChannelOrder<E: StorageElement>(_: E.Type, _ s: LaneSums) -> LaneSums {
      layout == .planar ? s : LaneSums(first: E.channelOrder(s.first), second: E.channelOrder(s.second), tail: s.tail)
    }

    /// Calls `body(offset, firstChannel)` for every run, split into `tasks` ranges.
    @inline(__always)
    func forEach(_ body: (_ offset: Int, _ firstChannel: Int) -> Void) {
      let (count, run, tasks, width, groups) = (count, run, tasks, width, c / width)
      func range(_ t: Int) {
        for r in (t * count / tasks)..<((t + 1) * count / tasks) { body(r * run, (r % groups) * width) }
      }
      if tasks <= 1 { range(0) } else { Parallel.forEach(tasks, range) }
    }

    /// Per-channel totals of a run's pair of sums, written to `sums` as [channel][2]. Each
    /// task adds its runs into its own slice (tasks × c × 2 Doubles), so no two threads write
    /// one location; the slices are then added into the first. A planar run's lanes are added
    /// across (in Float, as one sum) into its channel; a blocked run's go to 16 channels.
    @inline(__always)
    func channelSums(into sums: UnsafeMutablePointer<Double>, _ runSums: (_ offset: Int, _ firstChannel: Int) -> LaneSums) {
      let (run, width, groups, layout) = (run, width, c / width, layout)
      perTaskSums(into: sums) { slice, r in
        let first = (r % groups) * width
        let s = runSums(r * run, first)
        if layout == .planar {
          slice[2 * first] += Double(s.first.sum()) + s.tail.0
          slice[2 * first + 1] += Double(s.second.sum()) + s.tail.1
        } else {
          for lane in 0..<16 {
            slice[2 * (first + lane)] += Double(s.first[lane])
            slice[2 * (first + lane) + 1] += Double(s.second[lane])
          }
        }
      }
    }

    /// Calls `add(slice, run)` for every run, each task with its contiguous range of runs and
    /// its own zeroed slice of `sums` (tasks × c × 2 Doubles), then adds the slices into the
    /// first, in task order.
    @inline(__always)
    func perTaskSums(into sums: UnsafeMutablePointer<Double>, _ add: (_ slice: UnsafeMutablePointer<Double>, _ run: Int) -> Void) {
      let (count, tasks, c) = (count, tasks, c)
      sums.update(repeating: 0, count: 2 * c * tasks)
      func sumRange(_ t: Int) {
        let slice = sums + 2 * c * t
        for r in (t * count / tasks)..<((t + 1) * count / tasks) { add(slice, r) }
      }
      if tasks <= 1 { sumRange(0) } else { Parallel.forEach(tasks, sumRange) }
      for t in 1..<max(1, tasks) {
        for i in 0..<(2 * c) { sums[i] += sums[2 * c * t + i] }
      }
    }
  }
}
