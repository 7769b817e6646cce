/// Reshaping, permuting, slicing and joining. `reshape` is a view (same storage); the others
/// materialize a new contiguous tensor.
extension Tensor {
  /// A view with a new shape of the same element count; one dimension may be -1 (inferred).
  public func reshape(_ newShape: [Int]) -> Tensor {
    var target = newShape
    if let hole = target.firstIndex(of: -1) {
      let known = target.enumerated().filter { $0.offset != hole }.reduce(1) { $0 * $1.element }
      precondition(known > 0 && count % known == 0, "reshape: cannot infer -1 in \(newShape) from shape \(shape)")
      target[hole] = count / known
    }
    precondition(Shape.count(target) == count, "reshape: shape \(shape) (\(count) elements) cannot become \(newShape)")
    if target == shape { return self }
    let from = shape
    return Tensor(storage: storage, shape: target).recorded("reshape", [self]) { g in [g.reshape(from)] }
  }

  /// Keeps dims before `startDim`, merges the rest into one (PyTorch's `flatten(start_dim)`).
  public func flatten(startDim: Int = 1) -> Tensor {
    let s = Shape.axis(startDim, rank: rank, op: "flatten")
    return reshape(Array(shape[..<s]) + [shape[s...].reduce(1, *)])
  }

  public func unsqueeze(_ axis: Int) -> Tensor {
    let a = Shape.axis(axis, rank: rank + 1, op: "unsqueeze")
    var s = shape
    s.insert(1, at: a)
    return reshape(s)
  }

  /// Output dim i is input dim `dims[i]`.
  public func permute(_ dims: [Int]) -> Tensor {
    let dims = dims.map { Shape.axis($0, rank: rank, op: "permute") }
    precondition(Set(dims).count == rank && dims.count == rank, "permute: \(dims) is not a permutation of \(rank) dims")
    if dims == Array(0..<rank) { return self }
    let inStrides = Shape.strides(shape)
    let outShape = dims.map { shape[$0] }
    let out = Tensor(uninitializedShape: outShape)
    StridedCopy.copy(from: pointer, strides: dims.map { inStrides[$0] }, shape: outShape, to: out.pointer)
    var inverse = [Int](repeating: 0, count: rank)
    for (i, d) in dims.enumerated() { inverse[d] = i }
    return out.recorded("permute", [self]) { g in [g.permute(inverse)] }
  }

  public func transpose(_ a: Int, _ b: Int) -> Tensor {
    var dims = Array(0..<rank)
    dims.swapAt(Shape.axis(a, rank: rank, op: "transpose"), Shape.axis(b, rank: rank, op: "transpose"))
    return permute(dims)
  }

  /// Rows `range` along `axis` (a copy; along axis 0 this is a batch slice).
  public func slice(_ range: Range<Int>, axis: Int = 0) -> Tensor {
    let a = Shape.axis(axis, rank: rank, op: "slice")
    precondition(range.lowerBound >= 0 && range.upperBound <= shape[a], "slice: \(range) is out of bounds for dim \(a) of size \(shape[a])")
    let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
    var outShape = shape
    outShape[a] = range.count
    let out = Tensor(uninitializedShape: outShape)
    for o in 0..<outer {
      (out.pointer + o * range.count * inner).update(
        from: pointer + (o * shape[a] + range.lowerBound) * inner, count: range.count * inner)
    }
    let inShape = shape
    return out.recorded("slice", [self]) { g in
      let full = Tensor.zeros(inShape)
      for o in 0..<outer {
        (full.pointer + (o * inShape[a] + range.lowerBound) * inner).update(
          from: g.pointer + o * range.count * inner, count: range.count * inner)
      }
      return [full]
    }
  }

  /// Joins tensors along `axis`; all other dims must agree.
  public static func cat(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "cat: no tensors to join")
    let first = tensors[0]
    let a = Shape.axis(axis, rank: first.rank, op: "cat")
    for t in tensors {
      precondition(t.rank == first.rank && (0..<t.rank).allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
                   "cat: shape \(t.shape) does not match \(first.shape) outside axis \(a)")
    }
    let outer = first.shape[..<a].reduce(1, *), inner = first.shape[(a + 1)...].reduce(1, *)
    var outShape = first.shape
    outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
    let out = Tensor(uninitializedShape: outShape)
    var offset = 0
    for t in tensors {
      let run = t.shape[a] * inner
      for o in 0..<outer {
        (out.pointer + o * outShape[a] * inner + offset).update(from: t.pointer + o * run, count: run)
      }
      offset += run
    }
    var starts: [Int] = []
    var s = 0
    for t in tensors { starts.append(s); s += t.shape[a] }
    return out.recorded("cat", tensors) { g in
      zip(tensors, starts).map { t, start in t.requiresGrad ? g.slice(start..<(start + t.shape[a]), axis: a) : nil }
    }
  }
}

/// Copies a strided view into contiguous memory, innermost dimension in runs.
enum StridedCopy {
  static func copy(from src: UnsafePointer<Float>, strides: [Int], shape: [Int], to dst: UnsafeMutablePointer<Float>) {
    let total = Shape.count(shape)
    if total == 0 { return }
    let rank = shape.count
    let inner = shape[rank - 1], innerStride = strides[rank - 1]
    let rows = total / inner
    let outerShape = Array(shape.dropLast()), outerStrides = Array(strides.dropLast())
    Parallel.chunks(rows) { start, end in
      var index = [Int](repeating: 0, count: outerShape.count)
      var r = start, offset = 0
      for d in stride(from: outerShape.count - 1, through: 0, by: -1) {
        index[d] = r % outerShape[d]
        r /= outerShape[d]
        offset += index[d] * outerStrides[d]
      }
      for row in start..<end {
        let out = dst + row * inner
        if innerStride == 1 {
          out.update(from: src + offset, count: inner)
        } else {
          for i in 0..<inner { out[i] = src[offset + i * innerStride] }
        }
        // Advance the outer index like an odometer.
        var d = outerShape.count - 1
        while d >= 0 {
          index[d] += 1
          offset += outerStrides[d]
          if index[d] < outerShape[d] { break }
          offset -= index[d] * outerStrides[d]
          index[d] = 0
          d -= 1
        }
      }
    }
  }
}
