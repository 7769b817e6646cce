import Glibc
import Synchronization

/// The memory behind a tensor: a 64-byte aligned buffer that views share, holding the values in
/// one `StorageFormat` at a time.
///
/// Users, layers and most ops see row-major Float32 (`pointer`): reading it converts the values
/// to that format first, once, in place for every view. The backend's fast ops (convolution,
/// batch norm, pooling, elementwise ops between operands of one format) read and write the
/// format they are given through `bytes`, so activations can stay in oneDNN's blocked layout
/// from layer to layer (see `StorageFormat`).
///
/// The allocation is rounded up to a whole number of 64-byte lines (16 floats), so that a SIMD
/// loop may read and write up to `paddedCount` without a scalar tail; elements past `count` are
/// scratch that nothing else reads.
///
/// `@unchecked Sendable`: kernels hand the pointer to worker threads. The invariant is that
/// workers only touch disjoint ranges and the launching call waits for all of them, so no two
/// threads ever write the same element and none outlives the buffer. A format conversion
/// replaces the buffer under a lock and publishes it through `isPlain` (release/acquire),
/// so threads that read `pointer` at once convert once and all see the new buffer; kernels take
/// their pointers before they fan out, never while another thread converts the same storage.
public final class TensorStorage: @unchecked Sendable {
  public let count: Int
  /// The buffer, in `format`. Replaced only by a conversion.
  private var base: UnsafeMutableRawPointer
  private var currentFormat: StorageFormat
  /// `currentFormat == .plain`, readable without the lock.
  private let isPlain: Atomic<Bool>
  /// One lock for every storage's conversions: they are rare (where a user or an op without a
  /// fast path reads a blocked tensor), and a lock per tensor would cost every allocation.
  private static let conversion = Locked(())

  /// Uninitialized memory for `count` values in `format`; every creator writes all of it before use.
  public init(uninitializedCount count: Int, format: StorageFormat = .plain) {
    precondition(count >= 0, "a tensor cannot have \(count) elements")
    _ = TensorStorage.keepFreedMemory
    self.count = count
    base = TensorStorage.allocate(count, format.element)
    currentFormat = format
    isPlain = Atomic(format == .plain)
  }

  deinit { base.deallocate() }

  private static func allocate(_ count: Int, _ element: StorageFormat.Element) -> UnsafeMutableRawPointer {
    .allocate(byteCount: padded(count) * element.byteCount, alignment: 64)
  }

  /// The values as row-major Float32, converted to that format first if they are in another.
  public var pointer: UnsafeMutablePointer<Float> {
    if !isPlain.load(ordering: .acquiring) { convert(to: .plain) }
    return base.assumingMemoryBound(to: Float.self)
  }

  public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: pointer, count: count) }

  /// How the values lie in `bytes` now.
  public var format: StorageFormat {
    isPlain.load(ordering: .acquiring) ? .plain : TensorStorage.conversion.withLock { _ in currentFormat }
  }

  /// The buffer in its current format, for kernels that handle that format (no conversion).
  public var bytes: UnsafeMutableRawPointer { base }

  /// Rewrites the values in `target`'s format (a no-op when they are in it already).
  public func convert(to target: StorageFormat) {
    TensorStorage.conversion.withLock { _ in
      guard currentFormat != target else { return }
      precondition(
        target.order.elementCount.map { $0 == count } ?? true,
        "a storage of \(count) values cannot be laid out as \(target)")
      let old = base
      let new = TensorStorage.allocate(count, target.element)
      StorageFormat.convert(count: count, from: old, currentFormat, to: new, target)
      base = new
      currentFormat = target
      isPlain.store(target == .plain, ordering: .releasing)
      old.deallocate()
    }
  }

  /// A training step frees and allocates the same activation sizes every step. glibc's malloc
  /// would serve each large one (above a threshold it raises up to 32 MB) with a fresh mmap and
  /// give it back on free, or trim freed heap memory back to the system — so every step paid
  /// a page fault on every page of its activations again (measured: ResNet-50 at 128 px, batch
  /// 32, 27 images/s before, 35 after). Keeping freed memory in the heap makes a step reuse the
  /// pages of the step before; peak memory stays what the largest step needs.
  /// (`mallopt` is declared in malloc.h, which no Swift module exports: looked up at run time.)
  private static let keepFreedMemory: Void = {
    typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
    let (trimThreshold, mmapThreshold): (Int32, Int32) = (-1, -3)  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
    _ = mallopt(mmapThreshold, 1 << 30)
    _ = mallopt(trimThreshold, 1 << 30)
  }()

  /// `count` rounded up to a multiple of 16 (at least 16): the elements a SIMD loop may touch.
  @inlinable public static func padded(_ count: Int) -> Int { Swift.max(16, (count + 15) & ~15) }

  public var paddedCount: Int { TensorStorage.padded(count) }
}
