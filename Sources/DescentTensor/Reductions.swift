/// Reductions over axes, with gradients: sum, mean, max, argmax, var.
extension Tensor {
  /// (outer, length, inner) of a single-axis view.
  func axisSplit(_ a: Int) -> (Int, Int, Int) {
    (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *))
  }

  /// Normalized, sorted, deduplicated axes; nil means all.
  func reductionAxes(_ axes: [Int]?, op: String) -> [Int] {
    guard let axes else { return Array(0..<rank) }
    return Array(Set(axes.map { Shape.axis($0, rank: rank, op: op) })).sorted()
  }

  /// Reduces one axis with a kernel, keeping it as size 1; no recording.
  func reduceAxis<K: ReductionKernel>(_ k: K.Type, _ a: Int) -> Tensor {
    let (outer, length, inner) = axisSplit(a)
    var outShape = shape
    outShape[a] = 1
    let out = Tensor(uninitializedShape: outShape)
    Reduction.reduce(k, pointer, outer: outer, length: length, inner: inner, out.pointer)
    return out
  }

  static func reducedShape(_ shape: [Int], _ axes: [Int], keepDim: Bool) -> [Int] {
    keepDim ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
      : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
  }

  /// Sum over `axes` (all when nil).
  public func sum(axes: [Int]? = nil, keepDim: Bool = false) -> Tensor {
    let axes = reductionAxes(axes, op: "sum")
    var out = self
    for a in axes where shape[a] != 1 { out = out.reduceAxis(SumReduction.self, a) }
    if out === self { out = copy() }
    let result = Tensor(storage: out.storage, shape: Tensor.reducedShape(shape, axes, keepDim: keepDim))
    let inShape = shape, kept = Tensor.reducedShape(shape, axes, keepDim: true)
    return result.recorded("sum", [self]) { g in [g.reshape(kept).expand(inShape)] }
  }

  public func sum(axis: Int, keepDim: Bool = false) -> Tensor { sum(axes: [axis], keepDim: keepDim) }

  public func mean(axes: [Int]? = nil, keepDim: Bool = false) -> Tensor {
    let axes = reductionAxes(axes, op: "mean")
    let n = axes.reduce(1) { $0 * shape[$1] }
    return sum(axes: axes, keepDim: keepDim) * (1 / Float(Swift.max(n, 1)))
  }

  public func mean(axis: Int, keepDim: Bool = false) -> Tensor { mean(axes: [axis], keepDim: keepDim) }

  /// Variance over `axes`; unbiased (divides by n − 1) unless `unbiased` is false, as PyTorch.
  public func variance(axes: [Int]? = nil, unbiased: Bool = true, keepDim: Bool = false) -> Tensor {
    let axes = reductionAxes(axes, op: "var")
    let n = axes.reduce(1) { $0 * shape[$1] }
    let centered = self - mean(axes: axes, keepDim: true)
    return (centered * centered).sum(axes: axes, keepDim: keepDim) * (1 / Float(Swift.max(unbiased ? n - 1 : n, 1)))
  }

  /// Largest value along `axis`; the gradient goes to the first maximal element (PyTorch's
  /// `max(dim)`).
  public func max(axis: Int, keepDim: Bool = false) -> Tensor {
    let a = Shape.axis(axis, rank: rank, op: "max")
    let indices = argmaxIndices(a)
    let (outer, length, inner) = axisSplit(a)
    let kept = Tensor.reducedShape(shape, [a], keepDim: true)
    let out = Tensor(uninitializedShape: kept)
    for o in 0..<outer {
      for i in 0..<inner {
        out.pointer[o * inner + i] = pointer[(o * length + Int(indices[o * inner + i])) * inner + i]
      }
    }
    let inShape = shape
    return out.reshape(Tensor.reducedShape(shape, [a], keepDim: keepDim)).detach()
      .recorded("max", [self]) { g in
        let full = Tensor.zeros(inShape)
        for o in 0..<outer {
          for i in 0..<inner {
            full.pointer[(o * length + Int(indices[o * inner + i])) * inner + i] = g.pointer[o * inner + i]
          }
        }
        return [full]
      }
  }

  /// The largest element of the whole tensor (no gradient; use `max(axis:)` to differentiate).
  public func max() -> Float {
    precondition(count > 0, "max() of an empty tensor")
    var out: Float = 0
    Reduction.reduce(MaxReduction.self, pointer, outer: 1, length: count, inner: 1, &out)
    return out
  }

  func argmaxIndices(_ a: Int) -> [Int32] {
    let (outer, length, inner) = axisSplit(a)
    precondition(length > 0, "argmax over an empty axis \(a) of shape \(shape)")
    var indices = [Int32](repeating: 0, count: outer * inner)
    indices.withUnsafeMutableBufferPointer { Reduction.argmax(pointer, outer: outer, length: length, inner: inner, $0.baseAddress!) }
    return indices
  }

  /// Index of the first maximum along `axis`, as Float values (not differentiable).
  public func argmax(axis: Int, keepDim: Bool = false) -> Tensor {
    let a = Shape.axis(axis, rank: rank, op: "argmax")
    return Tensor(argmaxIndices(a).map(Float.init), shape: Tensor.reducedShape(shape, [a], keepDim: keepDim))
  }

  /// Broadcasts to `target` (a copy), the inverse of `sumTo`.
  public func expand(_ target: [Int]) -> Tensor {
    if shape == target { return self }
    precondition(Shape.broadcast(shape, target, op: "expand") == target, "expand: shape \(shape) does not broadcast to \(target)")
    let out = Tensor(uninitializedShape: target)
    let zero = Tensor.scalar(0)
    Elementwise.map(AddKernel.self, zero.pointer, [], pointer, shape, out.pointer, target)
    return out.recorded("expand", [self]) { [shape] g in [g.sumTo(shape)] }
  }
}
