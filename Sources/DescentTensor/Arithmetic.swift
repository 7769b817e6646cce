/// Binary elementwise ops with NumPy broadcasting, and their gradients.
extension Tensor {
  /// out = K(self, other) broadcast; no recording.
  func broadcastMap<K: BinaryKernel>(_ k: K.Type, _ other: Tensor, op: String) -> Tensor {
    if shape == other.shape, let format = blockedFormat {
      // Same shape, element by element: in the blocked layout and element type as it lies
      // (the other operand joins it), so activations between convolutions stay blocked.
      let out = Tensor(uninitializedShape: shape, format: format)
      Elementwise.map(
        k, format.element, storage.bytes, other.converted(to: format).storage.bytes, out.storage.bytes, count: count)
      return out
    }
    let outShape = shape == other.shape ? shape : Shape.broadcast(shape, other.shape, op: op)
    let out = Tensor(uninitializedShape: outShape)
    Elementwise.map(k, pointer, shape, other.pointer, other.shape, out.pointer, outShape)
    return out
  }

  /// out = K(self); no recording.
  func unaryMap<K: UnaryKernel>(_ k: K.Type) -> Tensor {
    if let format = blockedFormat {
      let out = Tensor(uninitializedShape: shape, format: format)
      Elementwise.map(k, format.element, storage.bytes, out.storage.bytes, count: count)
      return out
    }
    let out = Tensor(uninitializedShape: shape)
    Elementwise.map(k, pointer, out.pointer, count: count)
    return out
  }

  /// Sums a broadcast gradient back down to `target` (the inverse of broadcasting).
  public func sumTo(_ target: [Int]) -> Tensor {
    if shape == target { return self }
    let lead = rank - target.count
    var axes = Array(0..<lead)
    for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
    return sum(axes: axes, keepDim: true).reshape(target)
  }

  public static func + (a: Tensor, b: Tensor) -> Tensor {
    Profiler.measure(.add) { a.broadcastMap(AddKernel.self, b, op: "add") }.recorded("add", [a, b]) { g in
      [g.sumTo(a.shape), g.sumTo(b.shape)]
    }
  }

  /// (self + other).relu() to the bit, forward and backward, in one pass over memory each way
  /// instead of two: a ResNet block's residual sum and its ReLU. The backward masks the
  /// gradient by the saved output (positive exactly where the sum was).
  public func addReLU(_ other: Tensor) -> Tensor {
    let out = Profiler.measure(.add) { broadcastMap(AddReluKernel.self, other, op: "addReLU") }
    // The output's storage, not the output, which will hold this closure.
    let (saved, outShape, shape, otherShape) = (out.storage, out.shape, shape, other.shape)
    return out.recorded("addReLU", [self, other]) { g in
      let masked = g.broadcastMap(ReluBackwardKernel.self, Tensor(storage: saved, shape: outShape), op: "relu backward")
      return [masked.sumTo(shape), masked.sumTo(otherShape)]
    }
  }

  public static func - (a: Tensor, b: Tensor) -> Tensor {
    a.broadcastMap(SubKernel.self, b, op: "sub").recorded("sub", [a, b]) { g in
      [g.sumTo(a.shape), b.requiresGrad ? (-g).sumTo(b.shape) : nil]
    }
  }

  public static func * (a: Tensor, b: Tensor) -> Tensor {
    a.broadcastMap(MulKernel.self, b, op: "mul").recorded("mul", [a, b]) { g in
      [a.requiresGrad ? (g * b).sumTo(a.shape) : nil, b.requiresGrad ? (g * a).sumTo(b.shape) : nil]
    }
  }

  public static func / (a: Tensor, b: Tensor) -> Tensor {
    a.broadcastMap(DivKernel.self, b, op: "div").recorded("div", [a, b]) { g in
      [a.requiresGrad ? (g / b).sumTo(a.shape) : nil,
       b.requiresGrad ? (-(g * a) / (b * b)).sumTo(b.shape) : nil]
    }
  }

  public static prefix func - (a: Tensor) -> Tensor {
    a.unaryMap(NegKernel.self).recorded("neg", [a]) { g in [-g] }
  }

  /// selfᵉˣᵖᵒⁿᵉⁿᵗ elementwise, broadcast.
  public func pow(_ exponent: Tensor) -> Tensor {
    let out = broadcastMap(PowKernel.self, exponent, op: "pow")
    return out.recorded("pow", [self, exponent]) { [self] g in
      [self.requiresGrad ? (g * exponent * self.pow(exponent - 1)).sumTo(self.shape) : nil,
       exponent.requiresGrad ? (g * out * self.log()).sumTo(exponent.shape) : nil]
    }
  }

  public func pow(_ exponent: Float) -> Tensor { pow(Tensor.scalar(exponent)) }

  /// Elementwise maximum, broadcast (gradient to the larger; to `self` on ties).
  public func maximum(_ other: Tensor) -> Tensor {
    broadcastMap(MaximumKernel.self, other, op: "maximum").recorded("maximum", [self, other]) { [self] g in
      let mask = self.broadcastMap(GreaterEqualKernel.self, other, op: "maximum")
      return [(g * mask).sumTo(self.shape), (g * (1 - mask)).sumTo(other.shape)]
    }
  }

  // Scalar forms, as a PyTorch user writes them.
  public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor.scalar(b) }
  public static func + (a: Float, b: Tensor) -> Tensor { Tensor.scalar(a) + b }
  public static func - (a: Tensor, b: Float) -> Tensor { a - Tensor.scalar(b) }
  public static func - (a: Float, b: Tensor) -> Tensor { Tensor.scalar(a) - b }
  public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor.scalar(b) }
  public static func * (a: Float, b: Tensor) -> Tensor { Tensor.scalar(a) * b }
  public static func / (a: Tensor, b: Float) -> Tensor { a / Tensor.scalar(b) }
  public static func / (a: Float, b: Tensor) -> Tensor { Tensor.scalar(a) / b }
}
