/// The machine's own limits, measured in the same run as whatever is being judged: oneDNN's
/// float32 and bfloat16 GEMM throughput and memory copy bandwidth. They are the machine's, not a
/// path of Descent's: `peakSgemmGFLOPs` calls oneDNN's sgemm directly, whatever `GEMM` uses.
public enum MachineLimits {
  /// GFLOP/s of oneDNN's `dnnl_sgemm` on n×n×n (2·n³ flops a call) on all threads.
  public static func peakSgemmGFLOPs(n: Int = 2048, seconds: Double = 1) -> Double {
    let (a, b, c) = squareOperands(n)
    let t = Timing.secondsPerCall(minimumSeconds: seconds) { DNNL.rawSgemm(n: n, a.pointer, b.pointer, c.pointer) }
    return 2 * Double(n) * Double(n) * Double(n) / t / 1e9
  }

  /// GFLOP/s of Descent's own GEMM path (`GEMM.sgemm`) on n×n×n.
  public static func sgemmGFLOPs(n: Int = 2048, seconds: Double = 1) -> Double {
    let (a, b, c) = squareOperands(n)
    let t = Timing.secondsPerCall(minimumSeconds: seconds) {
      GEMM.sgemm(transA: false, transB: false, m: n, n: n, k: n, a: a.pointer, lda: n, b: b.pointer, ldb: n, c: c.pointer, ldc: n)
    }
    return 2 * Double(n) * Double(n) * Double(n) / t / 1e9
  }

  /// GFLOP/s of oneDNN's bfloat16 matmul primitive on n×n×n (bfloat16 in, float32 out).
  public static func bf16GemmGFLOPs(n: Int = 2048, seconds: Double = 1) -> Double {
    let matmul = DNNLBF16Matmul(n: n)
    let t = Timing.secondsPerCall(minimumSeconds: seconds) { matmul.run() }
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

  private static func squareOperands(_ n: Int) -> (Tensor, Tensor, Tensor) {
    var g = RandomGenerator(seed: 1)
    return (Tensor.uniform([n, n], using: &g), Tensor.uniform([n, n], using: &g), Tensor.zeros([n, n]))
  }
}
