import Dispatch

/// Wall-clock timing for benchmarks: the best of several rounds, each long enough to be
/// measured, so that a noisy shared machine biases figures as little as possible.
public enum Timing {
  public static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

  /// Seconds per call of `body`: runs it once to warm up, then `rounds` rounds of at least
  /// `minimumSeconds / rounds` each, and returns the fastest round's time per call.
  public static func secondsPerCall(minimumSeconds: Double = 1, rounds: Int = 3, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    let perRound = minimumSeconds / Double(rounds)
    for _ in 0..<rounds {
      var calls = 0
      let start = now()
      var elapsed = 0.0
      repeat {
        body()
        calls += 1
        elapsed = now() - start
      } while elapsed < perRound
      best = Swift.min(best, elapsed / Double(calls))
    }
    return best
  }
}
