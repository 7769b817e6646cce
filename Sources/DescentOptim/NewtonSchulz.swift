import DescentTensor

/// Muon's orthogonalization (torch.optim.Muon's `_zeropower_via_newtonschulz`, in float32
/// rather than its bfloat16): G scaled to unit Frobenius norm, then `steps` quintic iterations
/// X ← a·X + (b·A + c·A·A)·X with A = X·Xᵀ, on the wide orientation of G (Gᵀ when G has more
/// rows than columns) so that A is the smaller Gram matrix. Every product goes through
/// `GEMM.sgemm` on buffers this object keeps: once they have grown to the largest matrix,
/// orthogonalizing allocates nothing.
public final class NewtonSchulz {
  /// Keller Jordan's coefficients, torch's defaults.
  public static let defaultCoefficients = (a: 3.4445, b: -4.7750, c: 2.0315)

  public let a: Float, b: Float, c: Float
  private var x = Workspace(), next = Workspace(), gram = Workspace(), polynomial = Workspace()

  public init(coefficients: (a: Double, b: Double, c: Double) = NewtonSchulz.defaultCoefficients) {
    a = Float(coefficients.a)
    b = Float(coefficients.b)
    c = Float(coefficients.c)
  }

  /// The multiply-adds of `steps` iterations on a rows × cols matrix, as GEMM counts them
  /// (2·m·n·k a product): per step X·Xᵀ and B·X (2·s²·l each) and A·A (2·s³), with s the
  /// smaller dimension and l the larger.
  public static func flops(rows: Int, cols: Int, steps: Int) -> Double {
    let s = Double(Swift.min(rows, cols)), l = Double(Swift.max(rows, cols))
    return Double(steps) * (4 * s * s * l + 2 * s * s * s)
  }

  /// Orthogonalizes the rows × cols row-major matrix `g`; the result, in the same layout, is
  /// valid until the next call.
  public func orthogonalize(_ g: UnsafePointer<Float>, rows: Int, cols: Int, steps: Int, eps: Float) -> UnsafePointer<Float> {
    precondition(rows > 0 && cols > 0, "NewtonSchulz: a \(rows) × \(cols) matrix has nothing to orthogonalize")
    let count = rows * cols, tall = rows > cols
    // s × s Gram matrices: X·Xᵀ of the wide orientation.
    let s = Swift.min(rows, cols), l = Swift.max(rows, cols)
    var x = self.x.reserve(count), next = self.next.reserve(count)
    let gram = self.gram.reserve(s * s), polynomial = self.polynomial.reserve(s * s)

    let norm = Swift.max(Self.frobeniusNorm(g, count), eps)
    Self.divide(g, by: norm, into: x, count)
    for _ in 0..<steps {
      if tall {
        // Y = Xᵀ: A = Y·Yᵀ = Xᵀ·X, and a·Y + B·Y is, transposed back, a·X + X·Bᵀ.
        GEMM.sgemm(transA: true, transB: false, m: s, n: s, k: l, a: x, lda: cols, b: x, ldb: cols, c: gram, ldc: s)
      } else {
        GEMM.sgemm(transA: false, transB: true, m: s, n: s, k: l, a: x, lda: cols, b: x, ldb: cols, c: gram, ldc: s)
      }
      // B = b·A + c·A·A, as torch's addmm(A, A, A, beta: b, alpha: c).
      polynomial.update(from: gram, count: s * s)
      GEMM.sgemm(transA: false, transB: false, m: s, n: s, k: s, alpha: c, a: gram, lda: s, b: gram, ldb: s,
                 beta: b, c: polynomial, ldc: s)
      // X ← (B + a·I)·X: torch's addmm(X, B, X, beta: a) with a·X added inside the product
      // rather than after it, which spares a copy of X per step (6% of the time on ResNet's
      // 512 × 4608) and rounds as closely.
      var d = 0
      while d < s * s {
        polynomial[d] += a
        d += s + 1
      }
      if tall {
        GEMM.sgemm(transA: false, transB: true, m: rows, n: cols, k: cols, a: x, lda: cols, b: polynomial, ldb: s,
                   c: next, ldc: cols)
      } else {
        GEMM.sgemm(transA: false, transB: false, m: rows, n: cols, k: rows, a: polynomial, lda: s, b: x, ldb: cols,
                   c: next, ldc: cols)
      }
      swap(&x, &next)
    }
    return UnsafePointer(x)
  }

  /// √(Σ g²), summed in Float eight lanes at a time over short runs and the runs in Double, so
  /// the sum of millions of squares keeps float32's precision.
  static func frobeniusNorm(_ g: UnsafePointer<Float>, _ count: Int) -> Float {
    var total: Double = 0
    var start = 0
    while start < count {
      let end = Swift.min(count, start + 4096)
      var lanes = SIMD8<Float>()
      var i = start
      while i + 8 <= end {
        let v = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
        lanes.addProduct(v, v)
        i += 8
      }
      var rest: Float = 0
      while i < end { rest += g[i] * g[i]; i += 1 }
      total += Double(lanes.sum()) + Double(rest)
      start = end
    }
    return Float(total.squareRoot())
  }

  /// x = g / norm, elementwise (a true division, as torch's div_).
  static func divide(_ g: UnsafePointer<Float>, by norm: Float, into x: UnsafeMutablePointer<Float>, _ count: Int) {
    let n = SIMD8<Float>(repeating: norm)
    var i = 0
    while i + 8 <= count {
      let v = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self) / n
      UnsafeMutableRawPointer(x + i).storeBytes(of: v, as: SIMD8<Float>.self)
      i += 8
    }
    while i < count { x[i] = g[i] / norm; i += 1 }
  }
}

/// A float buffer that grows to the largest size asked of it and is reused from then on;
/// 64-byte aligned for the GEMM kernels.
private struct Workspace {
  private final class Storage {
    let pointer: UnsafeMutablePointer<Float>
    let capacity: Int
    init(_ capacity: Int) {
      self.capacity = capacity
      pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity * 4, alignment: 64).bindMemory(to: Float.self, capacity: capacity)
    }
    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
  }
  private var storage: Storage?

  mutating func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
    if let s = storage, s.capacity >= count { return s.pointer }
    storage = Storage(Swift.max(count, 1))
    return storage!.pointer
  }
}
