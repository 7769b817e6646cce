import Glibc

/// The OpenMP runtime oneDNN runs its threads on (libgomp, loaded with oneDNN: it is oneDNN's
/// dependency, not ours, so there is no header or link flag to rely on and its functions are
/// looked up at run time). OpenMP reads `OMP_NUM_THREADS` once, at load; its thread count is an
/// internal control variable of each calling thread, so setting it on one thread changes the
/// team that thread's next oneDNN call runs on, and no other thread's.
@usableFromInline enum OpenMP {
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

  // MARK: Swift kernels on oneDNN's team

  private typealias Region = @convention(c) (UnsafeMutableRawPointer?) -> Void
  private typealias StartRegion = @convention(c) (Region, UnsafeMutableRawPointer?, UInt32, UInt32) -> Void
  private typealias TeamQuery = @convention(c) () -> Int32

  /// libgomp's entry point for `#pragma omp parallel` (what a C compiler emits for it).
  private static let startRegion: StartRegion? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "GOMP_parallel")
    .map { unsafeBitCast($0, to: StartRegion.self) }
  private static let threadNumber: TeamQuery? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_thread_num")
    .map { unsafeBitCast($0, to: TeamQuery.self) }
  private static let teamSize: TeamQuery? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_num_threads")
    .map { unsafeBitCast($0, to: TeamQuery.self) }

  /// What a region's threads run: `body(i)` for their share of `0..<count`.
  private struct Work {
    let body: (Int) -> Void
    let count: Int
  }

  /// Runs `body(i)` for every i in `0..<count` on this thread's OpenMP team of `threads`, the
  /// threads oneDNN's calls from this thread run on, and returns true; false where there is no
  /// OpenMP runtime. libgomp's threads spin for a while after each parallel region before they
  /// sleep, so a Swift kernel on other threads right after a convolution shares its cores with
  /// them (on 2 cores, half of the machine); on the same team the spinning threads take the
  /// work. resnet34 at 32 px, batch 128 (`bench train --profile`, 2 cores): batch norm 16–20 →
  /// 11 ms a step, the optimizer 14–17 → 12. Indices go round-robin over the team; a region
  /// inside another runs on a team of one, its indices in order.
  @usableFromInline static func parallel(_ count: Int, threads: Int, _ body: (Int) -> Void) -> Bool {
    guard let startRegion, threadNumber != nil, teamSize != nil else { return false }
    withoutActuallyEscaping(body) { body in
      var work = Work(body: body, count: count)
      withUnsafeMutablePointer(to: &work) { work in
        startRegion(
          { context in
            let work = context!.assumingMemoryBound(to: Work.self)
            let (me, team) = (Int(OpenMP.threadNumber!()), Int(OpenMP.teamSize!()))
            for i in stride(from: me, to: work.pointee.count, by: team) { work.pointee.body(i) }
          }, UnsafeMutableRawPointer(work), UInt32(Swift.min(count, threads)), 0)
      }
    }
    return true
  }
}
