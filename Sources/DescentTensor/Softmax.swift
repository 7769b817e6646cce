import Foundation

/// log_softmax and softmax along an axis, computed stably (max subtracted) row by row.
extension Tensor {
  public func logSoftmax(axis: Int = -1) -> Tensor {
    let a = Shape.axis(axis, rank: rank, op: "logSoftmax")
    if a != rank - 1 {
      return transpose(a, rank - 1).logSoftmax(axis: -1).transpose(a, rank - 1)
    }
    let n = shape[a], rows = count / Swift.max(n, 1)
    let out = Tensor(uninitializedShape: shape)
    let src = pointer, dst = out.pointer
    Parallel.chunks(rows * n) { start, end in
      // Chunks are whole elements; round to whole rows.
      for r in (start / n)..<((end + n - 1) / n) where r * n >= start {
        let x = src + r * n, y = dst + r * n
        var m = -Float.infinity
        for i in 0..<n { m = Swift.max(m, x[i]) }
        var s: Float = 0
        for i in 0..<n { s += Foundation.exp(x[i] - m) }
        let lse = m + Foundation.log(s)
        for i in 0..<n { y[i] = x[i] - lse }
      }
    }
    // d/dx = g − softmax · Σg over the row.
    return out.recorded("logSoftmax", [self]) { g in
      [g - out.exp() * g.sum(axis: -1, keepDim: true)]
    }
  }

  public func softmax(axis: Int = -1) -> Tensor { logSoftmax(axis: axis).exp() }
}
