import Foundation

/// Creating tensors: constants, ranges and random initializations. Random ones draw from a
/// generator passed by the caller, or from the process-wide one (`Random.seed`).
extension Tensor {
  public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) -> Tensor {
    let t = Tensor(uninitializedShape: shape)
    t.pointer.update(repeating: value, count: t.count)
    t.requiresGrad = requiresGrad
    return t
  }

  public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
    full(shape, 0, requiresGrad: requiresGrad)
  }

  public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
    full(shape, 1, requiresGrad: requiresGrad)
  }

  /// A rank-0 tensor (shape []), as PyTorch's `torch.tensor(3.0)`.
  public static func scalar(_ value: Float) -> Tensor { full([], value) }

  public static func zeros(like t: Tensor) -> Tensor { zeros(t.shape) }

  /// 0, 1, …, below `end`.
  public static func arange(_ end: Float) -> Tensor { arange(0, end) }

  /// start, start+step, … below `end` (PyTorch's `arange`).
  public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
    precondition(step != 0 && (end - start) / step >= 0, "arange: step \(step) never goes from \(start) to \(end)")
    let n = Int(((end - start) / step).rounded(.up))
    let t = Tensor(uninitializedShape: [n])
    for i in 0..<n { t.pointer[i] = start + Float(i) * step }
    return t
  }

  /// Uniform in [low, high).
  public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, using generator: inout RandomGenerator) -> Tensor {
    let t = Tensor(uninitializedShape: shape)
    generator.fillUniform(t.buffer, low: low, high: high)
    return t
  }

  public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1) -> Tensor {
    Random.withGenerator { uniform(shape, low: low, high: high, using: &$0) }
  }

  public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, using generator: inout RandomGenerator) -> Tensor {
    let t = Tensor(uninitializedShape: shape)
    generator.fillNormal(t.buffer, mean: mean, std: std)
    return t
  }

  public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1) -> Tensor {
    Random.withGenerator { normal(shape, mean: mean, std: std, using: &$0) }
  }

  /// Fan-in and fan-out as PyTorch computes them: dims 1 and 0 times the receptive field.
  public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
    precondition(shape.count >= 2, "fan in/out need a weight of rank ≥ 2, not \(shape)")
    let receptive = shape.dropFirst(2).reduce(1, *)
    return (shape[1] * receptive, shape[0] * receptive)
  }

  /// PyTorch's `kaiming_normal_(w, a, mode, nonlinearity='leaky_relu')`: normal with
  /// std = √(2 / (1 + a²)) / √fan, fan-in by default (a = 0 is ReLU's gain √2).
  public static func kaimingNormal(_ shape: [Int], a: Float = 0, fanOut: Bool = false, using generator: inout RandomGenerator) -> Tensor {
    let (fin, fout) = fans(shape)
    let std = (2 / (1 + a * a)).squareRoot() / Float(fanOut ? fout : fin).squareRoot()
    return normal(shape, mean: 0, std: std, using: &generator)
  }

  public static func kaimingNormal(_ shape: [Int], a: Float = 0, fanOut: Bool = false) -> Tensor {
    Random.withGenerator { kaimingNormal(shape, a: a, fanOut: fanOut, using: &$0) }
  }

  /// A new tensor with the same values and shape, off the tape.
  public func copy() -> Tensor {
    guard let format = blockedFormat else {
      let t = Tensor(uninitializedShape: shape)
      t.pointer.update(from: pointer, count: count)
      return t
    }
    let t = Tensor(uninitializedShape: shape, format: format)
    t.storage.bytes.copyMemory(from: storage.bytes, byteCount: count * format.element.byteCount)
    return t
  }
}
