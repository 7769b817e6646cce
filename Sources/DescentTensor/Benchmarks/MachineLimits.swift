/// The machine's own limits, measured in the same run as whatever is being judged: raw
/// OpenBLAS sgemm throughput and memory copy bandwidth.
public enum MachineLimits {
  /// GFLOP/s of `cblas_sgemm` on n×n×n (2·n³ flops a call).
  public static func sgemmGFLOPs(n: Int = 2048, seconds: Double = 1) -> Double {
    var g = RandomGenerator(seed: 1)
    let a = Tensor.uniform([n, n], using: &g), b = Tensor.uniform([n, n], using: &g)
    let c = Tensor.zeros([n, n])
    let t = Timing.secondsPerCall(minimumSeconds: seconds) {
      BLAS.sgemm(transA: false, transB: false, m: n, n: n, k: n, a: a.pointer, lda: n, b: b.pointer, ldb: n, c: c.pointer, ldc: n)
    }
    return 2 * Double(n) * Double(n) * Double(n) / t / 1e9
  }

  /// GB/s of copying `megabytes` between two buffers on all cores, counting bytes read plus
  /// bytes written (so one copy moves 2 × the buffer).
  public static func copyGBps(megabytes: Int = 512, seconds: Double = 1) -> Double {
    let count = megabytes * (1 << 20) / 4
    let src = Tensor.full([count], 1), dst = Tensor.zeros([count])
    let t = Timing.secondsPerCall(minimumSeconds: seconds) {
      Parallel.chunks(count) { start, end in
        (dst.pointer + start).update(from: src.pointer + start, count: end - start)
      }
    }
    return 2 * Double(count) * 4 / t / 1e9
  }
}
