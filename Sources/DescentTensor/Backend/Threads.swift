import Glibc

/// The number of threads every backend uses: Swift kernels (`Parallel`), OpenBLAS, and the
/// OpenMP runtime oneDNN runs on.
public enum Threads {
  /// Sets all three. OpenMP reads `OMP_NUM_THREADS` once, when it loads with oneDNN at process
  /// start, so its count is set through `omp_set_num_threads`, looked up at run time (libgomp
  /// is oneDNN's dependency, not ours: there is no header or link flag to rely on).
  public static func set(_ count: Int) {
    precondition(count >= 1, "thread count must be at least 1, not \(count)")
    Parallel.threads = count
    BLAS.threads = count
    typealias SetThreads = @convention(c) (Int32) -> Void
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads") {
      unsafeBitCast(symbol, to: SetThreads.self)(Int32(count))
    }
  }
}
