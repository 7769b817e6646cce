/// How a storage's values lie in memory: their order and their element type.
///
/// `.plain` (row-major Float32) is what users, layers and every op without a fast path read.
/// The backend keeps convolution activations in oneDNN's `nChw16c` instead: [n][c/16][h][w][16],
/// sixteen channels side by side. Every oneDNN 2.6 convolution on this CPU (direct, 1×1,
/// Winograd; float32 and bfloat16) computes in that layout, so plain activations cost a reorder
/// in and out of every convolution — measured at 14% of a ResNet-50 training step in float32
/// and 27% with bfloat16 convolutions (`descent bench train --profile`). In the blocked layout
/// the reorders go, and batch norm runs sixteen channels per 64-byte vector (one SIMD16 lane
/// per channel), which suits it better than NCHW's one channel per run. Channels-last (`nhwc`)
/// was the other candidate; left free to choose (format `any`), oneDNN 2.6 picks nChw16c for
/// every convolution of ResNet-50 on this CPU, float32 and bfloat16, direct and 1×1
/// (`DNNL_VERBOSE=1`), so that is the layout its kernels are tuned for here. (nhwc itself was
/// not timed.)
public struct StorageFormat: Hashable, Sendable, CustomStringConvertible {
  public enum Order: Hashable, Sendable {
    /// Row-major over the tensor's shape.
    case rowMajor
    /// oneDNN's nChw16c for an [n, c, h, w] tensor whose c is a multiple of 16.
    case channelBlocked16(n: Int, c: Int, h: Int, w: Int)

    /// The values the order lays out (nil: any number).
    var elementCount: Int? {
      switch self {
      case .rowMajor: return nil
      case .channelBlocked16(let n, let c, let h, let w): return n * c * h * w
      }
    }
  }

  public enum Element: Hashable, Sendable {
    case float32
    /// bfloat16: float32's upper 16 bits, rounded to nearest even.
    case bfloat16

    public var byteCount: Int { self == .float32 ? 4 : 2 }
  }

  public var order: Order
  public var element: Element

  public init(order: Order, element: Element) {
    self.order = order
    self.element = element
  }

  /// Row-major Float32.
  public static let plain = StorageFormat(order: .rowMajor, element: .float32)

  /// The blocked layout of a tensor of `shape`, or nil when it has none (not 4-D, or channels
  /// not a multiple of 16).
  public static func blocked(_ shape: [Int], _ element: Element = .float32) -> StorageFormat? {
    guard shape.count == 4, shape[1] % 16 == 0, shape[1] > 0 else { return nil }
    return StorageFormat(order: .channelBlocked16(n: shape[0], c: shape[1], h: shape[2], w: shape[3]), element: element)
  }

  public var isBlocked: Bool { order != .rowMajor }

  public var description: String {
    let order: String
    switch self.order {
    case .rowMajor: order = "row-major"
    case .channelBlocked16(let n, let c, let h, let w): order = "nChw16c [\(n), \(c), \(h), \(w)]"
    }
    return "\(order) \(element == .float32 ? "float32" : "bfloat16")"
  }

  // MARK: Conversion

  /// Writes the `count` values of `source` (in `from`) to `destination` in `to`.
  static func convert(
    count: Int, from source: UnsafeRawPointer, _ from: StorageFormat, to destination: UnsafeMutableRawPointer,
    _ to: StorageFormat
  ) {
    switch (from.element, to.element) {
    case (.float32, .float32): permute(Float32Element.self, Float32Element.self, count, source, from.order, destination, to.order)
    case (.float32, .bfloat16): permute(Float32Element.self, BFloat16Element.self, count, source, from.order, destination, to.order)
    case (.bfloat16, .float32): permute(BFloat16Element.self, Float32Element.self, count, source, from.order, destination, to.order)
    case (.bfloat16, .bfloat16): permute(BFloat16Element.self, BFloat16Element.self, count, source, from.order, destination, to.order)
    }
  }

  private static func permute<S: StorageElement, D: StorageElement>(
    _: S.Type, _: D.Type, _ count: Int, _ source: UnsafeRawPointer, _ from: Order,
    _ destination: UnsafeMutableRawPointer, _ to: Order
  ) {
    switch (from, to) {
    case _ where from == to:
      Parallel.chunks(count) { start, end in
        for i in start..<end { D.store(S.load(source, i), destination, i) }
      }
    case (.rowMajor, .channelBlocked16(let n, let c, let h, let w)):
      forEachBlock(n: n, c: c, spatial: h * w) { plain, blocked, spatial in
        for s in 0..<spatial {
          for lane in 0..<16 { D.store(S.load(source, plain + lane * spatial + s), destination, blocked + s * 16 + lane) }
        }
      }
    case (.channelBlocked16(let n, let c, let h, let w), .rowMajor):
      forEachBlock(n: n, c: c, spatial: h * w) { plain, blocked, spatial in
        for lane in 0..<16 {
          for s in 0..<spatial { D.store(S.load(source, blocked + s * 16 + lane), destination, plain + lane * spatial + s) }
        }
      }
    default:
      // Two blocked orders of one count: through row-major.
      let middle = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
      defer { middle.deallocate() }
      permute(S.self, Float32Element.self, count, source, from, middle, .rowMajor)
      permute(Float32Element.self, D.self, count, UnsafeRawPointer(middle), .rowMajor, destination, to)
    }
  }

  /// Calls `body(plainOffset, blockedOffset, spatial)` for every (image, block of 16 channels),
  /// split over the threads.
  private static func forEachBlock(n: Int, c: Int, spatial: Int, _ body: (Int, Int, Int) -> Void) {
    let blocks = c / 16
    let total = n * blocks
    let tasks = Swift.max(1, Swift.min(total, Parallel.threads, total * 16 * spatial / Parallel.minimumParallelElements))
    Parallel.forEach(tasks) { t in
      for block in (t * total / tasks)..<((t + 1) * total / tasks) {
        let (image, b) = block.quotientAndRemainder(dividingBy: blocks)
        body((image * c + b * 16) * spatial, block * 16 * spatial, spatial)
      }
    }
  }
}
