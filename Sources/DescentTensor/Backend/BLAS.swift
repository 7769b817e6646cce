import COpenBLAS
import Glibc
import Synchronization

/// The one place that calls OpenBLAS. Row-major single-precision GEMM:
/// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, with leading dimensions of the stored
/// (untransposed) matrices.
///
/// OpenBLAS's thread count is process-wide, and a multi-threaded call must not overlap another
/// call or a change of that count (its thread server is shared). So a plain `sgemm` runs
/// alone; kernels that run one GEMM per worker thread enter `singleThreaded`, where OpenBLAS
/// is set to one thread and any number of `sgemmInSection` calls may run side by side.
public enum BLAS {
  public static func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    gate.exclusive {
      call(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
  }

  /// Runs `body` with OpenBLAS single-threaded, for kernels that call `sgemmInSection`
  /// from several worker threads. Overlapping sections share the setting; the last one out
  /// restores the thread count.
  public static func singleThreaded<R>(_ body: () throws -> R) rethrows -> R {
    try gate.shared(
      enter: {
        sections.withLock { state in
          if state.count == 0 {
            state.saved = Int(openblas_get_num_threads())
            openblas_set_num_threads(1)
          }
          state.count += 1
        }
      },
      leave: {
        sections.withLock { state in
          state.count -= 1
          if state.count == 0 { openblas_set_num_threads(Int32(state.saved)) }
        }
      }, body)
  }

  /// Runs `body` alone, with OpenBLAS's own thread count, for a kernel that makes several
  /// `sgemmInSection` calls from this thread.
  public static func exclusively<R>(_ body: () throws -> R) rethrows -> R { try gate.exclusive(body) }

  /// GEMM for use inside `singleThreaded` or `exclusively` only.
  @inline(__always)
  public static func sgemmInSection(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    call(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
  }

  /// Threads OpenBLAS uses for one plain `sgemm` call.
  public static var threads: Int {
    get { gate.exclusive { Int(openblas_get_num_threads()) } }
    set { gate.exclusive { openblas_set_num_threads(Int32(newValue)) } }
  }

  @inline(__always)
  static func call(
    _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float, _ a: UnsafePointer<Float>,
    _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
      beta, c, blasint(ldc))
  }

  static let gate = ReadersWriterGate()
  /// Single-threaded sections in progress, and the thread count before the first began.
  static let sections = Mutex<(count: Int, saved: Int)>((0, 0))
}

/// A pthread readers-writer lock: `exclusive` bodies run alone, `shared` ones together.
///
/// `@unchecked Sendable`: the lock is allocated once, never moved, and only touched through
/// pthread calls, which are thread-safe.
final class ReadersWriterGate: @unchecked Sendable {
  private let lock: UnsafeMutablePointer<pthread_rwlock_t>

  init() {
    lock = .allocate(capacity: 1)
    pthread_rwlock_init(lock, nil)
  }

  deinit {
    pthread_rwlock_destroy(lock)
    lock.deallocate()
  }

  func exclusive<R>(_ body: () throws -> R) rethrows -> R {
    pthread_rwlock_wrlock(lock)
    defer { pthread_rwlock_unlock(lock) }
    return try body()
  }

  func shared<R>(enter: () -> Void, leave: () -> Void, _ body: () throws -> R) rethrows -> R {
    pthread_rwlock_rdlock(lock)
    enter()
    defer {
      leave()
      pthread_rwlock_unlock(lock)
    }
    return try body()
  }
}
