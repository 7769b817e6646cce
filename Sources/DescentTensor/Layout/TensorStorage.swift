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
/// threads ever write the same element and none outlives the buffer. Conversions are serialized
/// per storage by `state` (an atomic: plain, another format, or held), which also publishes the
/// new buffer (release/acquire): threads that read `pointer` at once convert once and all see
/// the new buffer. Kernels take their pointers before they fan out, never while another thread
/// converts the same storage.
public final class TensorStorage: @unchecked Sendable {
  public let count: Int
  /// The buffer, in `currentFormat`. Replaced only by a conversion, with `state` held.
  private var base: UnsafeMutableRawPointer
  private var currentFormat: StorageFormat
  /// `plain` or `other` (what `currentFormat` is), or `held` while one thread reads or converts
  /// it. No lock object per tensor (every allocation would pay for it) and no global one.
  private let state: Atomic<UInt8>
  private static let (plain, other, held): (UInt8, UInt8, UInt8) = (0, 1, 2)

  /// Uninitialized memory for `count` values in `format`; every creator writes all of it before use.
  public init(uninitializedCount count: Int, format: StorageFormat = .plain) {
    precondition(count >= 0, "a tensor cannot have \(count) elements")
    _ = TensorStorage.keepFreedMemory
    self.count = count
    base = TensorStorage.allocate(count, format.element)
    currentFormat = format
    state = Atomic(format == .plain ? TensorStorage.plain : TensorStorage.other)
  }

  deinit { base.deallocate() }

  private static func allocate(_ count: Int, _ element: StorageFormat.Element) -> UnsafeMutableRawPointer {
    .allocate(byteCount: padded(count) * element.byteCount, alignment: 64)
  }

  /// The values as row-major Float32, converted to that format first if they are in another.
  public var pointer: UnsafeMutablePointer<Float> {
    if state.load(ordering: .acquiring) != TensorStorage.plain { convert(to: .plain) }
    return base.assumingMemoryBound(to: Float.self)
  }

  public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: pointer, count: count) }

  /// How the values lie in `bytes` now.
  public var format: StorageFormat {
    if state.load(ordering: .acquiring) == TensorStorage.plain { return .plain }
    return holding { currentFormat }
  }

  /// The buffer in its current format, for kernels that handle that format (no conversion).
  public var bytes: UnsafeMutableRawPointer { base }

  /// Rewrites the values in `target`'s format (a no-op when they are in it already).
  public func convert(to target: StorageFormat) {
    holding {
      guard currentFormat != target else { return }
      precondition(
        target.order.elementCount.map { $0 == count } ?? true,
        "a storage of \(count) values cannot be laid out as \(target)")
      let old = base
      let new = TensorStorage.allocate(count, target.element)
      StorageFormat.convert(count: count, from: old, currentFormat, to: new, target)
      base = new
      currentFormat = target
      old.deallocate()
    }
  }

  /// Runs `body` with `state` held (waiting while another thread holds it), then publishes
  /// what `currentFormat` is.
  private func holding<R>(_ body: () -> R) -> R {
    while true {
      let seen = state.load(ordering: .acquiring)
      if seen != TensorStorage.held,
        state.compareExchange(expected: seen, desired: TensorStorage.held, ordering: .acquiring).exchanged
      {
        break
      }
      sched_yield()
    }
    defer { state.store(currentFormat == .plain ? TensorStorage.plain : TensorStorage.other, ordering: .releasing) }
    return body()
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
