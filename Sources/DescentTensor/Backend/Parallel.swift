import Dispatch
import Foundation
import Synchronization

/// Splits work over the machine's cores. Elementwise kernels and reductions use this; oneDNN
/// runs its own thread pool, so a `chunks` body must never call into it.
public enum Parallel {
  /// Number of worker threads used for Swift kernels (defaults to all cores).
  nonisolated(unsafe) public static var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  /// Below this many elements a kernel runs on the calling thread: waking workers costs more.
  public static let minimumParallelElements = 1 << 15

  /// Calls `body(start, end)` over disjoint chunks covering `0..<count`, on all cores when
  /// `count` is large enough. Chunks are multiples of 64 elements, so SIMD loops stay aligned.
  @inlinable
  public static func chunks(_ count: Int, _ body: (Int, Int) -> Void) {
    let workers = Swift.min(threads, count / minimumParallelElements)
    if workers <= 1 {
      body(0, count)
      return
    }
    let per = ((count + workers - 1) / workers + 63) & ~63
    forEach(workers) { w in
      let start = w * per
      let end = Swift.min(count, start + per)
      if start < end { body(start, end) }
    }
  }

  /// Calls `body(i, scratch)` for each `i` in `0..<count`, in one contiguous run per core (at
  /// least `grain` items a core), with `scratch` floats of each task's own: neighbouring items
  /// (channels whose weights share cache lines, images) stay on one core.
  static func forEachRun(
    _ count: Int, grain: Int, scratch: Int = 0, _ body: (_ item: Int, _ scratch: UnsafeMutablePointer<Float>) -> Void
  ) {
    let workers = Swift.max(1, Swift.min(threads, count / grain))
    let per = (count + workers - 1) / workers
    forEach(workers) { w in
      withUnsafeTemporaryAllocation(of: Float.self, capacity: Swift.max(1, scratch)) { buffer in
        for item in w * per..<Swift.min(count, (w + 1) * per) { body(item, buffer.baseAddress!) }
      }
    }
  }

  /// Runs `body(i)` for each `i` in `0..<count` spread over the cores (coarse tasks, such as one
  /// image of a batch). On the main thread — the one `descent` trains on and calls oneDNN from —
  /// the tasks run on oneDNN's own OpenMP threads (`OpenMP.parallel`: they would otherwise spin
  /// beside them); other threads (data loading, tests) use Dispatch's pool.
  @inlinable
  public static func forEach(_ count: Int, _ body: (Int) -> Void) {
    if count <= 1 || threads <= 1 {
      for i in 0..<count { body(i) }
      return
    }
    if onTeamThread && OpenMP.parallel(count, threads: threads, body) { return }
    withoutActuallyEscaping(body) { body in
      DispatchQueue.concurrentPerform(iterations: count, execute: assumeSendable(body))
    }
  }

  /// The thread whose tasks run on its OpenMP team: 0 for the main thread, else one a test
  /// named with `onOpenMPTeam` (swift-testing runs tests on other threads).
  @usableFromInline static let teamThread = Atomic<UInt>(0)

  @usableFromInline static var onTeamThread: Bool {
    let named = teamThread.load(ordering: .relaxed)
    return named == 0 ? Thread.isMainThread : named == UInt(pthread_self())
  }

  /// Runs `body` with the calling thread's tasks on its OpenMP team, as the main thread's are.
  static func onOpenMPTeam<R>(_ body: () throws -> R) rethrows -> R {
    teamThread.store(UInt(pthread_self()), ordering: .relaxed)
    defer { teamThread.store(0, ordering: .relaxed) }
    return try body()
  }

  /// Kernels hand raw buffers to workers. This is safe because each worker writes a disjoint
  /// range, nothing is shared mutably across chunks, and `concurrentPerform` returns only after
  /// every worker is done — so the closure never outlives the buffers it captures.
  @usableFromInline
  static func assumeSendable<A, B>(_ f: @escaping (A, B) -> Void) -> @Sendable (A, B) -> Void {
    unsafeBitCast(f, to: (@Sendable (A, B) -> Void).self)
  }

  @usableFromInline
  static func assumeSendable<A>(_ f: @escaping (A) -> Void) -> @Sendable (A) -> Void {
    unsafeBitCast(f, to: (@Sendable (A) -> Void).self)
  }
}
