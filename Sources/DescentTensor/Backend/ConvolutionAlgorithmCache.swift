import Dispatch
import Synchronization

/// The three passes of a convolution, each with its own best algorithm.
public enum ConvolutionDirection: String, Hashable, Sendable, CaseIterable {
  case forward, backwardData, backwardWeights
}

/// Which algorithm runs each (geometry, direction), chosen like cuDNN's benchmark mode: the
/// first call times every candidate on the caller's own buffers and the fastest is remembered
/// for the life of the process.
enum ConvolutionAlgorithmCache {
  struct Key: Hashable, Sendable {
    let geometry: Conv2dGeometry
    let direction: ConvolutionDirection
  }

  private static let choices = Mutex<[Key: ConvolutionAlgorithm]>([:])

  static func choice(_ key: Key) -> ConvolutionAlgorithm? {
    choices.withLock { $0[key] }
  }

  /// Times oneDNN and im2col with `run` and remembers the faster for `key`. Each candidate runs once untimed (building its plan, scratch and caches) and
  /// then `rounds` times; the best round counts, which keeps a busy neighbour from deciding.
  /// Two threads meeting a new key at once both time it; either answer is fine.
  @discardableResult
  static func choose(
    _ key: Key, rounds: Int = 2, _ run: (ConvolutionAlgorithm) -> Void
  ) -> ConvolutionAlgorithm {
    var best = ConvolutionAlgorithm.dnnl
    var bestTime = UInt64.max
    for candidate in [ConvolutionAlgorithm.dnnl, .im2col] {
      run(candidate)
      for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        run(candidate)
        let time = DispatchTime.now().uptimeNanoseconds - start
        if time < bestTime { (best, bestTime) = (candidate, time) }
      }
    }
    choices.withLock { $0[key] = best }
    return best
  }
}
