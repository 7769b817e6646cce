import CDNNL

/// The one place that calls a GEMM: oneDNN's `dnnl_sgemm`, row-major single precision,
/// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, with the leading dimensions of the
/// stored (untransposed) matrices.
///
/// Why oneDNN and not OpenBLAS: oneDNN picks its kernels from the CPU it runs on (AVX-512 here),
/// while this machine kind's environment holds OpenBLAS to its AVX2 kernels
/// (`OPENBLAS_CORETYPE=Haswell`, which tests and CI must not change). Measured on the 2-core
/// development machine, `dnnl_sgemm` was about 2× OpenBLAS on 2048³ and on every per-image
/// product im2col runs on one thread; at two threads it lost only on products with few rows
/// and a transposed operand (64×576×1024 with Bᵀ: 143 against 224 GFLOP/s), which only the
/// head's Linear backward runs. `descent bench kernels` prints `sgemm_gflops` beside
/// `peak_sgemm_gflops`.
///
/// `dnnl_sgemm` is safe to call from several threads at once; each call runs on the calling
/// thread's OpenMP team (`Threads.set` sizes the main thread's). Kernels that run one GEMM per
/// worker thread keep each worker's calls on that thread with `OpenMP.withThreads(1)`.
public enum GEMM {
  public static func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    let status = dnnl_sgemm(
      transA ? 84 : 78, transB ? 84 : 78,  // "T" or "N"
      dnnl_dim_t(m), dnnl_dim_t(n), dnnl_dim_t(k), alpha, a, dnnl_dim_t(lda), b, dnnl_dim_t(ldb),
      beta, c, dnnl_dim_t(ldc))
    DNNL.check(status, "running sgemm \(m)×\(n)×\(k) (transA \(transA), transB \(transB), lda \(lda), ldb \(ldb), ldc \(ldc))")
  }

}
