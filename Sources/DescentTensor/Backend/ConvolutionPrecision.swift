/// Mixed precision's choice per convolution pass: bfloat16 only where it measures faster.
extension ConvolutionKernels {
  /// The precision one pass of this convolution computes in, for a caller asking `requested`:
  /// `.float32` and `.bfloat16` as asked; `.mixed` bfloat16 where bfloat16 times faster than
  /// float32 on this machine, float32 elsewhere. The first call for a (geometry, direction,
  /// layout) times both, as `.auto` times algorithms — each on blocked activations stored in its
  /// own precision (`layouts` gives which operands are blocked), float32 with its own best
  /// algorithm — and the choice is kept with the algorithms (in `conv-algorithms.tsv` and
  /// checkpoints). The caller stores what the pass writes in the precision returned. A forced
  /// algorithm (tests, `--conv`) runs `.mixed` in bfloat16, as autocast does.
  public static func precision(
    _ g: Conv2dGeometry, _ direction: ConvolutionDirection, for requested: ComputePrecision, hasBias: Bool,
    layouts: ConvolutionLayouts
  ) -> ComputePrecision {
    guard requested == .mixed else { return requested }
    let precision = algorithm == .auto ? timedPrecision(g, direction, layouts: layouts, hasBias: hasBias) : .bfloat16
    MixedPrecisionTally.count(precision)
    return precision
  }

  /// Runs `body` and counts the convolution passes it ran under `.mixed` and how many of them
  /// computed in bfloat16 (the line a training run starts with: "bf16 in 31 of 107 passes").
  /// Only the passes the calling task (or thread) runs are counted: tests run side by side.
  public static func countingMixedPrecision<R>(_ body: () throws -> R) rethrows -> (result: R, bfloat16: Int, passes: Int) {
    let tally = MixedPrecisionTally()
    let result = try MixedPrecisionTally.$current.withValue(tally) { try body() }
    let (bfloat16, passes) = tally.counts.withLock { $0 }
    return (result, bfloat16, passes)
  }

  private static func timedPrecision(
    _ g: Conv2dGeometry, _ direction: ConvolutionDirection, layouts: ConvolutionLayouts, hasBias: Bool
  ) -> ComputePrecision {
    let blocked = layouts.input.blocked || layouts.output.blocked
    let key = ConvolutionAlgorithmCache.Key(geometry: g, direction: direction, blocked: blocked, mixed: true)
    if let known = ConvolutionAlgorithmCache.choice(key) { return known == .bf16 ? .bfloat16 : .float32 }
    // Each candidate on activations stored in its own precision (blocked ones; plain ones are
    // float32), as a run of passes that all chose it keeps them: what the pass costs once its
    // neighbours agree, without the reorders a mismatch with the caller's formats would add.
    // Timed on the caller's formats instead, one pass choosing float32 would tilt the next
    // toward it (bfloat16 would pay for converting its input), and the choice would hang on
    // the order in which passes are met.
    func formats(_ precision: ComputePrecision) -> ConvolutionLayouts {
      let element: StorageFormat.Element = precision == .bfloat16 ? .bfloat16 : .float32
      var formats = layouts
      formats.input.element = formats.input.blocked ? element : .float32
      formats.output.element = formats.output.blocked ? element : .float32
      return formats
    }
    let buffers = ConvolutionBenchmark.Buffers(g)
    defer { buffers.free() }
    let winner = ConvolutionAlgorithmCache.fastest(among: [ComputePrecision.bfloat16, .float32]) { precision in
      switch direction {
      case .forward: buffers.forward(precision, layouts: formats(precision), hasBias: hasBias)
      case .backwardData: buffers.backwardData(precision, layouts: formats(precision))
      case .backwardWeights: buffers.backwardWeights(precision, layouts: formats(precision), hasBias: hasBias)
      }
    }
    // Recorded as bf16, or as the float32 algorithm that beat it (timed in the first, untimed run).
    let float32Key = ConvolutionAlgorithmCache.Key(geometry: g, direction: direction, blocked: blocked)
    ConvolutionAlgorithmCache.record(
      key, winner == .bfloat16 ? .bf16 : ConvolutionAlgorithmCache.choice(float32Key) ?? .dnnl)
    return winner
  }
}

/// The passes counted by `ConvolutionKernels.countingMixedPrecision`, per task: tests run side
/// by side.
private final class MixedPrecisionTally: Sendable {
  @TaskLocal static var current: MixedPrecisionTally?

  let counts = Locked((bfloat16: 0, passes: 0))

  static func count(_ precision: ComputePrecision) {
    current?.counts.withLock {
      $0.passes += 1
      if precision == .bfloat16 { $0.bfloat16 += 1 }
    }
  }
}
