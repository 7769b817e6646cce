/// Throughput of Descent's own ops through the Tensor API (allocation of results included), to
/// be read beside `MachineLimits` measured in the same run.
public enum TensorBenchmarks {
  /// GFLOP/s of `Tensor.matmul` on n×n×n, a fresh output tensor each call.
  public static func matmulGFLOPs(n: Int = 2048, seconds: Double = 1) -> Double {
    var g = RandomGenerator(seed: 2)
    let a = Tensor.uniform([n, n], using: &g), b = Tensor.uniform([n, n], using: &g)
    let t = Timing.secondsPerCall(minimumSeconds: seconds) { _ = a.matmul(b) }
    return 2 * Double(n) * Double(n) * Double(n) / t / 1e9
  }
}
