import Glibc

/// A value that threads share, guarded by a pthread mutex: the same use as the standard
/// library's `Synchronization.Mutex` (`withLock { $0 … }`), with a lock ThreadSanitizer
/// understands. On Linux, `Mutex` locks with raw futex calls that TSan cannot see, so every
/// access inside `withLock` was reported as a race (`swift test --sanitize=thread`); with this,
/// TSan's reports are real ones.
///
/// `@unchecked Sendable`: `value` is read and written only inside `withLock`, with the mutex
/// held; the mutex is allocated once, never moved, and touched only through pthread calls.
public final class Locked<Value>: @unchecked Sendable {
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private var value: Value

  public init(_ value: Value) {
    self.value = value
    mutex = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  /// Runs `body` with the value, the lock held.
  @inline(__always)
  public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body(&value)
  }
}
