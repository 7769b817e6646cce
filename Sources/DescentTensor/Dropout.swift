/// Inverted dropout: in training, zeroes each element with probability p and scales the rest by
/// 1/(1 − p), so evaluation needs no rescaling (PyTorch's `dropout`).
extension Tensor {
  public func dropout(_ p: Float, training: Bool = true, using generator: inout RandomGenerator) -> Tensor {
    precondition(p >= 0 && p <= 1, "dropout: probability \(p) is outside [0, 1]")
    guard training, p > 0 else { return self }
    let mask = Tensor(uninitializedShape: shape)
    let keep = 1 / (1 - p)
    for i in 0..<count { mask.pointer[i] = generator.nextUniform() >= p ? (p == 1 ? 0 : keep) : 0 }
    return self * mask
  }

  public func dropout(_ p: Float, training: Bool = true) -> Tensor {
    guard training, p > 0 else { return self }
    return Random.withGenerator { dropout(p, training: training, using: &$0) }
  }
}
