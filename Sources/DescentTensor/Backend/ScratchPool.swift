
/// A block of 64-byte-aligned Float memory that kernels borrow for temporaries (im2col matrices,
/// per-worker partial sums), so that after the first training step no kernel allocates.
///
/// `@unchecked Sendable`: the pointer is written only in `init`, and the memory is used by one
/// kernel call at a time — `ScratchPool` hands each buffer to a single borrower and takes it
/// back only when that borrower is done.
final class ScratchBuffer: @unchecked Sendable {
  let capacity: Int
  let pointer: UnsafeMutablePointer<Float>

  init(capacity: Int) {
    self.capacity = capacity
    pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
      .bindMemory(to: Float.self, capacity: capacity)
  }

  deinit { pointer.deallocate() }
}

/// Process-global lender of scratch buffers. A buffer is borrowed for one kernel call and
/// returned; a training loop calling kernels from one thread therefore settles on one buffer
/// as large as its largest request, while concurrent callers each get their own.
enum ScratchPool {
  private static let free = Locked<[ScratchBuffer]>([])

  /// Runs `body` with at least `count` floats of uninitialized scratch memory.
  static func withBuffer<R>(count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
    let buffer = borrow(count)
    defer { giveBack(buffer) }
    return body(buffer.pointer)
  }

  /// A buffer borrowed beyond one call (a forward's result its backward reads again), given
  /// back when the lease is dropped.
  ///
  /// `@unchecked Sendable`: the buffer is used by whoever holds the lease, one call at a time.
  final class Lease: @unchecked Sendable {
    let buffer: ScratchBuffer
    var pointer: UnsafeMutablePointer<Float> { buffer.pointer }

    init(count: Int) { buffer = ScratchPool.borrow(count) }

    deinit { ScratchPool.giveBack(buffer) }
  }

  /// Overwrites every free buffer with `value`: tests use NaN to show that no kernel reads
  /// scratch it did not write in the same call.
  static func fillFree(with value: Float) {
    free.withLock { free in
      for buffer in free { buffer.pointer.initialize(repeating: value, count: buffer.capacity) }
    }
  }

  private static func giveBack(_ buffer: ScratchBuffer) { free.withLock { $0.append(buffer) } }

  private static func borrow(_ count: Int) -> ScratchBuffer {
    let found: ScratchBuffer? = free.withLock { free in
      // The smallest free buffer that fits; if none fits, drop the largest so the pool does not
      // keep buffers too small to be used again. (Plain loops: no allocation under the lock.)
      var best = -1, largest = -1
      for i in free.indices {
        if free[i].capacity >= count && (best < 0 || free[i].capacity < free[best].capacity) { best = i }
        if largest < 0 || free[i].capacity > free[largest].capacity { largest = i }
      }
      if best >= 0 { return free.remove(at: best) }
      if largest >= 0 { free.remove(at: largest) }
      return nil
    }
    return found ?? ScratchBuffer(capacity: Swift.max(count, 16))
  }
}
