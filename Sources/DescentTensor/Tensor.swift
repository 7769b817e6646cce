/// A dense Float32 array with a shape, optionally recording the operations that produced it so
/// that `backward()` can compute gradients. Users read it row-major (`pointer`, `scalars`,
/// subscripts); the backend may keep its storage in another `StorageFormat` (oneDNN's blocked
/// layout, bfloat16 in mixed precision) between the ops that understand it, converting once
/// when anything else reads it.
///
/// A Tensor is a reference: `reshape` returns a view over the same storage, in-place ops
/// (`add_`, `mul_` …) change every view. Everything else returns a new tensor.
public final class Tensor {
  public let storage: TensorStorage
  public let shape: [Int]
  public let device: Device
  /// Leaf tensors with this flag set accumulate `grad` in `backward()`.
  public var requiresGrad: Bool
  /// The accumulated gradient (same shape), after `backward()`.
  public var grad: Tensor?
  /// The storage of the gradient `dropGrad()` let go, for the next backward to write this
  /// leaf's gradient into (see `takeGradientStorage()`).
  var spareGradStorage: TensorStorage?
  /// The recorded operation that produced this tensor; nil for leaves and no-grad results.
  var gradFn: GradNode?

  public init(storage: TensorStorage, shape: [Int], requiresGrad: Bool = false, device: Device = .cpu) {
    precondition(Shape.count(shape) == storage.count, "shape \(shape) holds \(Shape.count(shape)) elements, the storage \(storage.count)")
    precondition(shape.allSatisfy { $0 >= 0 }, "shape \(shape) has a negative dimension")
    self.storage = storage
    self.shape = shape
    self.requiresGrad = requiresGrad
    self.device = device
  }

  /// A tensor with the given shape whose contents the caller must write in full.
  public convenience init(uninitializedShape shape: [Int]) {
    self.init(storage: TensorStorage(uninitializedCount: Shape.count(shape)), shape: shape)
  }

  /// A tensor holding `values` (row-major) with the given shape.
  public convenience init(_ values: [Float], shape: [Int], requiresGrad: Bool = false) {
    precondition(values.count == Shape.count(shape), "Tensor(_:shape:): \(values.count) values do not fill shape \(shape)")
    self.init(uninitializedShape: shape)
    values.withUnsafeBufferPointer { src in
      storage.pointer.update(from: src.baseAddress!, count: values.count)
    }
    self.requiresGrad = requiresGrad
  }

  /// A one-dimensional tensor.
  public convenience init(_ values: [Float], requiresGrad: Bool = false) {
    self.init(values, shape: [values.count], requiresGrad: requiresGrad)
  }

  public var count: Int { storage.count }
  public var rank: Int { shape.count }
  public var isLeaf: Bool { gradFn == nil }

  /// Raw element access for kernels.
  @inlinable public var pointer: UnsafeMutablePointer<Float> { storage.pointer }
  @inlinable public var buffer: UnsafeMutableBufferPointer<Float> { storage.buffer }

  /// The elements, row-major.
  public var scalars: [Float] { Array(storage.buffer) }

  /// The value of a one-element tensor.
  public func item() -> Float {
    precondition(count == 1, "item(): tensor of shape \(shape) has \(count) elements, not 1")
    return storage.pointer[0]
  }

  /// Element at a multi-dimensional index (for tests and inspection, not for loops).
  public subscript(_ index: Int...) -> Float {
    precondition(index.count == rank, "index \(index) has rank \(index.count), tensor \(shape)")
    var offset = 0
    for (i, d) in zip(index, shape) {
      precondition(i >= 0 && i < d, "index \(index) is out of range for shape \(shape)")
      offset = offset * d + i
    }
    return storage.pointer[offset]
  }
}

/// Where a tensor's memory lives. Only the CPU today; the enum is here so that a GPU backend can
/// be added without touching layers or optimizers.
public enum Device: Sendable, Hashable {
  case cpu
}

extension Tensor: CustomStringConvertible {
  public var description: String {
    let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
    return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")]\(requiresGrad ? ", requiresGrad" : ""))"
  }
}
