/// Matrix products through `GEMM` (oneDNN's sgemm).
extension Tensor {
  /// [m,k]·[k,n] → [m,n]; batched [b,m,k]·[b,k,n] → [b,m,n]; and [b,m,k]·[k,n] (the matrix
  /// shared across the batch). Gradients use transposed GEMMs, never materialized transposes.
  public func matmul(_ other: Tensor) -> Tensor {
    precondition((rank == 2 || rank == 3) && (other.rank == 2 || other.rank == 3) && !(rank == 2 && other.rank == 3),
                 "matmul: shapes \(shape) and \(other.shape) are not [m,k]·[k,n], [b,m,k]·[b,k,n] or [b,m,k]·[k,n]")
    let batch = rank == 3 ? shape[0] : 1
    let m = shape[rank - 2], k = shape[rank - 1]
    let k2 = other.shape[other.rank - 2], n = other.shape[other.rank - 1]
    precondition(k == k2, "matmul: inner dimensions differ, \(shape) · \(other.shape)")
    if other.rank == 3 {
      precondition(other.shape[0] == batch, "matmul: batch sizes differ, \(shape) · \(other.shape)")
    }
    let otherBatched = other.rank == 3
    let out = Tensor(uninitializedShape: rank == 3 ? [batch, m, n] : [m, n])
    Profiler.measure(.linear) {
      for i in 0..<batch {
        GEMM.sgemm(transA: false, transB: false, m: m, n: n, k: k,
                   a: pointer + i * m * k, lda: k, b: other.pointer + (otherBatched ? i * k * n : 0), ldb: n,
                   c: out.pointer + i * m * n, ldc: n)
      }
    }
    return out.recorded("matmul", [self, other]) { [self] g in
      var ga: Tensor? = nil, gb: Tensor? = nil
      if self.requiresGrad {
        // dA = g · Bᵀ
        let t = Tensor(uninitializedShape: self.shape)
        for i in 0..<batch {
          GEMM.sgemm(transA: false, transB: true, m: m, n: k, k: n,
                     a: g.pointer + i * m * n, lda: n, b: other.pointer + (otherBatched ? i * k * n : 0), ldb: n,
                     c: t.pointer + i * m * k, ldc: k)
        }
        ga = t
      }
      if other.requiresGrad {
        // dB = Aᵀ · g, summed over the batch when B is shared.
        let t = Tensor(uninitializedShape: other.shape)
        for i in 0..<batch {
          GEMM.sgemm(transA: true, transB: false, m: k, n: n, k: m,
                     a: self.pointer + i * m * k, lda: k, b: g.pointer + i * m * n, ldb: n,
                     beta: otherBatched || i == 0 ? 0 : 1, c: t.pointer + (otherBatched ? i * k * n : 0), ldc: n)
        }
        gb = t
      }
      return [ga, gb]
    }
  }
}
