import Dispatch

/// The three passes of a convolution, each with its own best algorithm.
public enum ConvolutionDirection: String, Hashable, Sendable, CaseIterable {
  case forward, backwardData, backwardWeights
}

/// Which algorithm runs each (geometry, direction), chosen like cuDNN's benchmark mode: the
/// first call times every candidate on the caller's own buffers and the fastest is remembered
/// for the life of the process, and beyond it where a `ConvolutionChoiceFile` is kept.
enum ConvolutionAlgorithmCache {
  struct Key: Hashable, Sendable {
    let geometry: Conv2dGeometry
    let direction: ConvolutionDirection
    /// Activations in the blocked layout (oneDNN's kernels only) rather than plain.
    var blocked = false
    /// Mixed precision's choice for the pass (`ComputePrecision.mixed`): `.bf16` where
    /// bfloat16 timed faster, else the float32 algorithm that beat it.
    var mixed = false
  }

  private static let choices = Locked<[Key: ConvolutionAlgorithm]>([:])

  static func choice(_ key: Key) -> ConvolutionAlgorithm? {
    choices.withLock { $0[key] }
  }

  /// Every choice made or loaded so far.
  static var all: [Key: ConvolutionAlgorithm] { choices.withLock { $0 } }

  /// Takes choices made earlier (read from a choice file) as if this process had timed them.
  static func adopt(_ known: [Key: ConvolutionAlgorithm]) {
    choices.withLock { $0.merge(known) { _, loaded in loaded } }
  }

  /// Times the candidates with `run` and remembers the fastest for `key` (see `fastest`).
  @discardableResult
  static func choose(
    _ key: Key, among candidates: [ConvolutionAlgorithm], _ run: (ConvolutionAlgorithm) -> Void
  ) -> ConvolutionAlgorithm {
    let choice = fastest(among: candidates, run)
    record(key, choice)
    return choice
  }

  /// Remembers `choice` for `key`, in the kept file too.
  static func record(_ key: Key, _ choice: ConvolutionAlgorithm) {
    choices.withLock { $0[key] = choice }
    ConvolutionChoiceFile.saveIfKept()
  }

  /// The candidate `run` runs fastest. Each candidate runs once untimed (building its plan,
  /// scratch and caches), then they take turns, each keeping its best time: taking turns and
  /// keeping the best keep a burst of load from another process from deciding. After
  /// `minRounds` turns, only the contenders race on — those within `contenders` × the leader's
  /// best — for more turns up to `maxRounds`, while the timing has taken less than `budget`
  /// seconds: a close call gets many turns (a first step's timings swing by half on a busy
  /// host, and stage 3's two small-map forms at 28 px are 1.3 × apart), a clear one costs no
  /// more, and large layers do not slow the first step much. Two threads meeting a new key at
  /// once both time it; either answer is fine. `clock` (nanoseconds) is for tests.
  static func fastest<Candidate>(
    among candidates: [Candidate], minRounds: Int = 2, maxRounds: Int = 12, budget: Double = 0.5,
    contenders: Double = 1.5, clock: () -> UInt64 = { DispatchTime.now().uptimeNanoseconds },
    _ run: (Candidate) -> Void
  ) -> Candidate {
    var best = [UInt64](repeating: .max, count: candidates.count)
    for candidate in candidates { run(candidate) }
    let start = clock()
    var racing = Array(candidates.indices)
    var rounds = 0
    while rounds < minRounds || (rounds < maxRounds && racing.count > 1 && Double(clock() - start) < budget * 1e9) {
      for i in racing {
        let t = clock()
        run(candidates[i])
        best[i] = Swift.min(best[i], clock() - t)
      }
      rounds += 1
      if rounds >= minRounds {
        let leader = Double(racing.map { best[$0] }.min()!)
        racing.removeAll { Double(best[$0]) > contenders * leader }
      }
    }
    return candidates[best.indices.min { best[$0] < best[$1] }!]
  }
}
