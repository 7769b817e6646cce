import Glibc

/// The OpenMP runtime oneDNN runs its threads on (libgomp, loaded with oneDNN: it is oneDNN's
/// dependency, not ours, so there is no header or link flag to rely on and its functions are
/// looked up at run time). OpenMP reads `OMP_NUM_THREADS` once, at load; its thread count is an
/// internal control variable of each calling thread, so setting it on one thread changes the
/// team that thread's next oneDNN call runs on, and no other thread's.
enum OpenMP {
  private typealias SetThreads = @convention(c) (Int32) -> Void
  private typealias GetThreads = @convention(c) () -> Int32

  private static let setThreads: SetThreads? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads")
    .map { unsafeBitCast($0, to: SetThreads.self) }
  private static let getThreads: GetThreads? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_max_threads")
    .map { unsafeBitCast($0, to: GetThreads.self) }

  /// The team size of this thread's next parallel region (1 where no OpenMP runtime is loaded).
  static var threads: Int {
    get { Int(getThreads?() ?? 1) }
    set { setThreads?(Int32(newValue)) }
  }

  /// Runs `body` with this thread's oneDNN calls on `count` threads, then restores the count.
  @inline(__always)
  static func withThreads<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
    let saved = threads
    if saved == count { return try body() }
    threads = count
    defer { threads = saved }
    return try body()
  }
}
