/// The memory behind a tensor: a 64-byte aligned Float32 buffer that views share.
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
    let raw = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1) * 4, alignment: 64)
    pointer = raw.bindMemory(to: Float.self, capacity: Swift.max(count, 1))
  }

  deinit { UnsafeMutableRawPointer(pointer).deallocate() }

  public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: pointer, count: count) }
}
