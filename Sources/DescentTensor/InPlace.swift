/// In-place updates, as an optimizer applies them (PyTorch's `add_`, `addcmul_` …). They are not
/// recorded on the tape: call them on parameters inside `noGrad`, or on tensors off the tape.
/// The operands broadcast to `self`'s shape.
extension Tensor {
  /// Runs `body(dst, a, b)` over equal-shaped buffers, broadcasting operands to `self` first.
  private func inPlace(_ operands: [Tensor], op: String, _ body: (UnsafeMutablePointer<Float>, [UnsafeMutablePointer<Float>], Int, Int) -> Void) {
    if let format = blockedFloat32Format, operands.allSatisfy({ $0.shape == shape }) {
      // Blocked (a gradient of an activation): element by element as it lies, operands joining it.
      let ptrs = operands.map { $0.converted(to: format).floats }
      let target = floats
      Parallel.chunks(count) { start, end in body(target, ptrs, start, end) }
      return
    }
    let ready = operands.map { o -> Tensor in
      if o.shape == shape { return o }
      precondition(Shape.broadcast(shape, o.shape, op: op) == shape, "\(op): operand of shape \(o.shape) does not broadcast to \(shape)")
      return noGrad { o.expand(shape) }
    }
    let ptrs = ready.map(\.pointer)
    let target = pointer
    Parallel.chunks(count) { start, end in body(target, ptrs, start, end) }
  }

  /// self += alpha · other
  @discardableResult
  public func add_(_ other: Tensor, alpha: Float = 1) -> Tensor {
    if alpha == 1, other.shape == shape, let format = blockedFormat, format.element == .bfloat16 {
      // A bfloat16 activation gradient (mixed precision) accumulates in its own type.
      Elementwise.map(
        AddKernel.self, .bfloat16, storage.bytes, other.converted(to: format).storage.bytes, storage.bytes, count: count)
      return self
    }
    inPlace([other], op: "add_") { p, o, start, end in
      let x = o[0]
      for i in start..<end { p[i] += alpha * x[i] }
    }
    return self
  }

  /// self += value (every element)
  @discardableResult
  public func add_(_ value: Float) -> Tensor {
    inPlace([], op: "add_") { p, _, start, end in for i in start..<end { p[i] += value } }
    return self
  }

  /// self *= value
  @discardableResult
  public func mul_(_ value: Float) -> Tensor {
    inPlace([], op: "mul_") { p, _, start, end in for i in start..<end { p[i] *= value } }
    return self
  }

  /// self *= other (elementwise)
  @discardableResult
  public func mul_(_ other: Tensor) -> Tensor {
    inPlace([other], op: "mul_") { p, o, start, end in
      let x = o[0]
      for i in start..<end { p[i] *= x[i] }
    }
    return self
  }

  /// self += value · t1 · t2
  @discardableResult
  public func addcmul_(_ t1: Tensor, _ t2: Tensor, value: Float = 1) -> Tensor {
    inPlace([t1, t2], op: "addcmul_") { p, o, start, end in
      let a = o[0], b = o[1]
      for i in start..<end { p[i] += value * a[i] * b[i] }
    }
    return self
  }

  /// self += value · t1 / t2
  @discardableResult
  public func addcdiv_(_ t1: Tensor, _ t2: Tensor, value: Float = 1) -> Tensor {
    inPlace([t1, t2], op: "addcdiv_") { p, o, start, end in
      let a = o[0], b = o[1]
      for i in start..<end { p[i] += value * a[i] / b[i] }
    }
    return self
  }

  /// self += weight · (end − self)
  @discardableResult
  public func lerp_(_ end: Tensor, weight: Float) -> Tensor {
    inPlace([end], op: "lerp_") { p, o, start, stop in
      let e = o[0]
      for i in start..<stop { p[i] += weight * (e[i] - p[i]) }
    }
    return self
  }

  /// Overwrites the values with `other`'s (broadcast).
  @discardableResult
  public func copy_(_ other: Tensor) -> Tensor {
    inPlace([other], op: "copy_") { p, o, start, end in
      (p + start).update(from: o[0] + start, count: end - start)
    }
    return self
  }

  @discardableResult
  public func fill_(_ value: Float) -> Tensor {
    pointer.update(repeating: value, count: count)
    return self
  }
}
