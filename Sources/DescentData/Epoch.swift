import Foundation

/// One pass over a loader's batches, in order. Worker threads build batches ahead, up to the
/// loader's `prefetch` bound past the one being consumed, so `next()` waits only when no
/// worker could have finished it yet. Dropping the epoch early stops the workers.
public final class Epoch {
  let run: EpochRun

  init(run: EpochRun) {
    self.run = run
    run.start()
  }

  deinit { run.cancel() }

  /// Batches in this epoch.
  public var count: Int { run.batches.count }

  /// The next batch, nil at the end. Throws the first bad file's error with `badFiles: .fail`.
  public func next() throws -> Batch? {
    while let result = run.take() {
      switch result {
      case .success(let batch?): return batch
      case .success(nil): continue  // every file of that batch was skipped
      case .failure(let error):
        run.cancel()
        throw error
      }
    }
    return nil
  }

  /// Calls `body` with each batch in turn.
  public func forEach(_ body: (Batch) throws -> Void) throws {
    while let batch = try next() { try body(batch) }
  }
}

/// The shared state of an epoch between its worker threads and the consumer: the next batch
/// to build, the finished ones waiting, and the consumer's position, under one condition lock.
///
/// `@unchecked Sendable`: every mutable field is read and written only with `condition` held.
final class EpochRun: @unchecked Sendable {
  let loader: DataLoader
  let batches: [[Int]]
  let epoch: Int
  private let condition = NSCondition()
  private var nextToBuild = 0
  private var consumed = 0
  private var finished: [Int: Result<Batch?, Error>] = [:]
  private var cancelled = false

  init(loader: DataLoader, batches: [[Int]], epoch: Int) {
    self.loader = loader
    self.batches = batches
    self.epoch = epoch
  }

  func start() {
    for _ in 0..<Swift.min(loader.workers, batches.count) {
      let thread = Thread { [self] in work() }
      thread.name = "descent-data"
      thread.start()
    }
  }

  /// A worker: claim the next batch while it is within the prefetch bound, build it, publish it.
  private func work() {
    while true {
      condition.lock()
      while !cancelled && nextToBuild < batches.count && nextToBuild >= consumed + loader.prefetch {
        condition.wait()
      }
      if cancelled || nextToBuild >= batches.count {
        condition.unlock()
        return
      }
      let index = nextToBuild
      nextToBuild += 1
      condition.unlock()
      let result = Result { try loader.makeBatch(batches[index], epoch: epoch) }
      condition.lock()
      finished[index] = result
      condition.broadcast()
      condition.unlock()
    }
  }

  /// The consumer: wait for the next batch in order; nil after the last.
  func take() -> Result<Batch?, Error>? {
    condition.lock()
    defer { condition.unlock() }
    guard consumed < batches.count, !cancelled else { return nil }
    while finished[consumed] == nil { condition.wait() }
    let result = finished.removeValue(forKey: consumed)
    consumed += 1
    condition.broadcast()  // a worker may be waiting for room under the prefetch bound
    return result
  }

  /// Finished batches waiting for the consumer (for tests of the prefetch bound).
  var waiting: Int {
    condition.lock()
    defer { condition.unlock() }
    return finished.count
  }

  func cancel() {
    condition.lock()
    cancelled = true
    condition.broadcast()
    condition.unlock()
  }
}
