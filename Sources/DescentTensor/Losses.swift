import Foundation

/// Classification losses over logits [N, C] and integer class targets.
extension Tensor {
  /// Mean over the batch of −log p(target), with optional label smoothing ε as PyTorch's
  /// `cross_entropy(label_smoothing=ε)` and fastai's `LabelSmoothingCrossEntropy`:
  /// (1 − ε) · nll + ε · mean over classes of −log p.
  public func crossEntropy(_ targets: [Int], labelSmoothing: Float = 0) -> Tensor {
    precondition(rank == 2, "crossEntropy: logits must be [batch, classes], not \(shape)")
    let n = shape[0], c = shape[1]
    precondition(targets.count == n, "crossEntropy: \(targets.count) targets for a batch of \(n)")
    for t in targets { precondition(t >= 0 && t < c, "crossEntropy: target \(t) is outside the \(c) classes") }
    let (logp, total) = Profiler.measure(.loss) { () -> (Tensor, Double) in
      let logp = noGrad { logSoftmax(axis: 1) }
      var total: Double = 0
      for i in 0..<n {
        let row = logp.pointer + i * c
        var rowSum: Double = 0
        for j in 0..<c { rowSum += Double(row[j]) }
        total += Double(1 - labelSmoothing) * -Double(row[targets[i]]) + Double(labelSmoothing) * -rowSum / Double(c)
      }
      return (logp, total)
    }
    let loss = Tensor.scalar(Float(total / Double(n)))
    // d/dlogits = (softmax − target distribution) / N, the target distribution being
    // (1 − ε) on the label plus ε / C everywhere.
    return loss.recorded("crossEntropy", [self]) { g in
      let scale = g.item() / Float(n)
      let grad = Tensor(uninitializedShape: [n, c])
      for i in 0..<n {
        for j in 0..<c {
          let target = (j == targets[i] ? 1 - labelSmoothing : 0) + labelSmoothing / Float(c)
          grad.pointer[i * c + j] = (Foundation.exp(logp.pointer[i * c + j]) - target) * scale
        }
      }
      return [grad]
    }
  }

  /// Targets given as a tensor of class indices (Float values, as `argmax` returns).
  public func crossEntropy(_ targets: Tensor, labelSmoothing: Float = 0) -> Tensor {
    crossEntropy(targets.scalars.map { Int($0) }, labelSmoothing: labelSmoothing)
  }
}
