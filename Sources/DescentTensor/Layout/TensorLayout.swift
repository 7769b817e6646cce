/// Whether convolutions leave their outputs in the blocked layout (see `StorageFormat`), so that
/// the batch norms, ReLUs, adds and poolings after them, and the next convolution, read them
/// without a reorder. On by default; task-local so that a test can compare with plain layouts
/// (`BlockedActivations.$enabled.withValue(false) { … }`) without touching other tests.
/// Either way, every value a user reads is the same row-major tensor.
public enum BlockedActivations {
  @TaskLocal public static var enabled = true
}

extension Tensor {
  /// A tensor of `shape` whose storage is in `format`, for a kernel to write in full.
  convenience init(uninitializedShape shape: [Int], format: StorageFormat) {
    self.init(storage: TensorStorage(uninitializedCount: Shape.count(shape), format: format), shape: shape)
  }

  /// The format this tensor's values are in, as a kernel may read them through `storage.bytes`:
  /// the storage's own when it is plain or the blocked layout of this tensor's shape. A view of
  /// a blocked storage under another shape (a reshape) is made row-major first.
  var format: StorageFormat {
    let format = storage.format
    if format.order == .rowMajor || StorageFormat.blocked(shape, format.element) == format { return format }
    storage.convert(to: StorageFormat(order: .rowMajor, element: format.element))
    return storage.format
  }

  /// This tensor's format when it is blocked (float32 or bfloat16), nil when row-major.
  var blockedFormat: StorageFormat? {
    let format = self.format
    return format.isBlocked ? format : nil
  }

  /// The format a kernel with a blocked path reads this tensor in: blocked (float32 or
  /// bfloat16) as it lies, otherwise row-major float32, converting to it first.
  var blockedOrPlainFormat: StorageFormat {
    blockedFormat ?? converted(to: .plain).format
  }

  /// This tensor's format when it is blocked float32 (which float32 kernels read as they read
  /// plain float32: element for element, in another order), nil otherwise.
  var blockedFloat32Format: StorageFormat? {
    blockedFormat.flatMap { $0.element == .float32 ? $0 : nil }
  }

  /// The float32 values in their current order: row-major, or blocked where `format` says so.
  /// For kernels that treat every element alike.
  var floats: UnsafeMutablePointer<Float> {
    blockedFloat32Format != nil ? storage.bytes.assumingMemoryBound(to: Float.self) : pointer
  }

  /// This tensor with its values in `format` (converted in place, for every view; values are
  /// unchanged unless the element type narrows).
  @discardableResult
  func converted(to format: StorageFormat) -> Tensor {
    if self.format != format { storage.convert(to: format) }
    return self
  }
}

extension StorageFormat {
  /// The format a convolution writes an activation of `shape` in when it computes in
  /// `precision`: blocked when blocked activations are on and the shape has a blocked layout —
  /// bfloat16 in mixed precision (half the memory traffic of every op between convolutions, as
  /// autocast's bfloat16 outputs), float32 otherwise — and plain float32 otherwise.
  static func activation(_ shape: [Int], _ precision: ComputePrecision = .float32) -> StorageFormat {
    guard BlockedActivations.enabled else { return .plain }
    return blocked(shape, precision == .bfloat16 ? .bfloat16 : .float32) ?? .plain
  }
}
