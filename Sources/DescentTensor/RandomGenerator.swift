import Foundation

/// A seeded, reproducible generator (xoshiro256**, seeded through splitmix64). Every random
/// tensor, dropout mask and shuffle draws from one of these, so a run with `--seed` repeats.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
  private var s: (UInt64, UInt64, UInt64, UInt64)

  public init(seed: UInt64) {
    var x = seed
    func splitmix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s = (splitmix(), splitmix(), splitmix(), splitmix())
  }

  /// The generator's whole state, for a checkpoint: `init(state:)` continues the same sequence.
  public var state: [UInt64] { [s.0, s.1, s.2, s.3] }

  public init(state: [UInt64]) {
    precondition(state.count == 4, "RandomGenerator: a state is 4 words, not \(state.count)")
    s = (state[0], state[1], state[2], state[3])
  }

  @inlinable @inline(__always)
  static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  public mutating func next() -> UInt64 {
    let result = RandomGenerator.rotl(s.1 &* 5, 7) &* 9
    let t = s.1 << 17
    s.2 ^= s.0
    s.3 ^= s.1
    s.1 ^= s.2
    s.0 ^= s.3
    s.2 ^= t
    s.3 = RandomGenerator.rotl(s.3, 45)
    return result
  }

  /// Uniform in [0, 1) with 24 random bits (every Float in the grid is reachable).
  public mutating func nextUniform() -> Float {
    Float(next() >> 40) * (1.0 / 16_777_216.0)
  }

  /// Standard normal (Box–Muller; both values of a pair are used by `fillNormal`).
  public mutating func nextNormalPair() -> (Float, Float) {
    let u1 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    let r = (-2.0 * Foundation.log(1.0 - u1)).squareRoot()
    let theta = 2.0 * Double.pi * u2
    return (Float(r * Foundation.cos(theta)), Float(r * Foundation.sin(theta)))
  }

  public mutating func fillUniform(_ out: UnsafeMutableBufferPointer<Float>, low: Float, high: Float) {
    let scale = high - low
    for i in out.indices { out[i] = low + scale * nextUniform() }
  }

  public mutating func fillNormal(_ out: UnsafeMutableBufferPointer<Float>, mean: Float, std: Float) {
    var i = 0
    while i < out.count {
      let (a, b) = nextNormalPair()
      out[i] = mean + std * a
      if i + 1 < out.count { out[i + 1] = mean + std * b }
      i += 2
    }
  }
}

/// The process-wide generator used when no generator is passed. `Random.seed(42)` makes a run
/// reproducible.
public enum Random {
  static let shared = Locked(RandomGenerator(seed: 0))

  /// A generator that stands in for the shared one within a task (tests that check exact
  /// reproduction run beside others that draw too).
  @TaskLocal public static var scoped: Locked<RandomGenerator>?

  static var current: Locked<RandomGenerator> { scoped ?? shared }

  public static func seed(_ seed: UInt64) {
    current.withLock { $0 = RandomGenerator(seed: seed) }
  }

  /// Runs `body` with exclusive use of the shared generator.
  public static func withGenerator<R>(_ body: (inout RandomGenerator) -> R) -> R {
    current.withLock { body(&$0) }
  }

  /// The shared generator's state (dropout masks draw from it as training goes), and setting it
  /// back, so that a resumed run draws what the uninterrupted one would have.
  public static var state: [UInt64] {
    get { withGenerator { $0.state } }
    set { current.withLock { $0 = RandomGenerator(state: newValue) } }
  }

  /// A new independent generator drawn from the shared one (for worker threads).
  public static func split() -> RandomGenerator {
    withGenerator { RandomGenerator(seed: $0.next()) }
  }
}
