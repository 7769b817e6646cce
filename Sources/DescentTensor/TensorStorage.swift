/// The memory behind a tensor: a 64-byte aligned Float32 buffer that views share.
///
/// The allocation is rounded up to a whole number of 64-byte lines (16 floats), so that a SIMD
/// loop may read and write up to `paddedCount` without a scalar tail; elements past `count` are
/// scratch that nothing else reads.
///
/// `@unchecked Sendable`: kernels hand the pointer to worker threads. The invariant is that
/// workers only touch disjoint ranges and the launching call waits for all of them, so no two
/// threads ever write the same element and none outlives the buffer.
public final class TensorStorage: @unchecked Sendable {
  public let pointer: UnsafeMutablePointer<Float>
  public let count: Int

  /// Uninitialized memory for `count` floats; every creator writes all of it before use.
  public init(uninitializedCount count: Int) {
    precondition(count >= 0, "a tensor cannot have \(count) elements")
    self.count = count
    let padded = TensorStorage.padded(count)
    let raw = UnsafeMutableRawPointer.allocate(byteCount: padded * 4, alignment: 64)
    pointer = raw.bindMemory(to: Float.self, capacity: padded)
  }

  deinit { UnsafeMutableRawPointer(pointer).deallocate() }

  /// `count` rounded up to a multiple of 16 (at least 16): the floats a SIMD loop may touch.
  @inlinable public static func padded(_ count: Int) -> Int { Swift.max(16, (count + 15) & ~15) }

  public var paddedCount: Int { TensorStorage.padded(count) }

  public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: pointer, count: count) }
}
