import DescentTensor

/// fastai's `Normalize`: (x − mean) / std per channel of an NCHW batch.
public struct Normalize: Sendable, Equatable {
  public var mean: [Float]
  public var std: [Float]

  public init(mean: [Float], std: [Float]) {
    precondition(mean.count == std.count, "Normalize: \(mean.count) means but \(std.count) stds")
    self.mean = mean
    self.std = std
  }

  /// fastai's `imagenet_stats`.
  public static let imagenet = Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
  /// fastai's `mnist_stats` (one channel; repeated for RGB batches).
  public static let mnist = Normalize(mean: [0.131], std: [0.308])

  /// Stats of one batch, as fastai's `Normalize()` without stats in `setups`: the mean and the
  /// (unbiased) standard deviation over N, H and W per channel, plus 1e-7.
  public static func fromBatch(_ x: Tensor) -> Normalize {
    precondition(x.rank == 4, "Normalize.fromBatch needs an NCHW batch, not \(x.shape)")
    let n = x.shape[0], c = x.shape[1], plane = x.shape[2] * x.shape[3]
    var mean: [Float] = [], std: [Float] = []
    for ch in 0..<c {
      var sum = 0.0, squares = 0.0
      for i in 0..<n {
        let p = x.pointer + (i * c + ch) * plane
        for k in 0..<plane { sum += Double(p[k]) }
      }
      let m = sum / Double(n * plane)
      for i in 0..<n {
        let p = x.pointer + (i * c + ch) * plane
        for k in 0..<plane { squares += (Double(p[k]) - m) * (Double(p[k]) - m) }
      }
      mean.append(Float(m))
      std.append(Float((squares / Double(Swift.max(1, n * plane - 1))).squareRoot()) + 1e-7)
    }
    return Normalize(mean: mean, std: std)
  }

  /// Mean and std of channel `ch` (single-channel stats serve every channel).
  @inline(__always)
  func stats(_ ch: Int) -> (Float, Float) {
    mean.count == 1 ? (mean[0], std[0]) : (mean[ch], std[ch])
  }

  /// A new normalized batch.
  public func apply(_ x: Tensor) -> Tensor {
    let out = Tensor(uninitializedShape: x.shape)
    forEachPlane(x.shape) { ch, range in
      let (m, s) = stats(ch)
      for k in range { out.pointer[k] = (x.pointer[k] - m) / s }
    }
    return out
  }

  /// Undoes `apply` (for showing a batch).
  public func decode(_ x: Tensor) -> Tensor {
    let out = Tensor(uninitializedShape: x.shape)
    forEachPlane(x.shape) { ch, range in
      let (m, s) = stats(ch)
      for k in range { out.pointer[k] = x.pointer[k] * s + m }
    }
    return out
  }

  private func forEachPlane(_ shape: [Int], _ body: (Int, Range<Int>) -> Void) {
    precondition(shape.count == 4, "Normalize needs an NCHW batch, not \(shape)")
    let c = shape[1], plane = shape[2] * shape[3]
    precondition(mean.count == 1 || mean.count == c, "Normalize: \(mean.count) channel stats for \(c) channels")
    for i in 0..<(shape[0] * c) { body(i % c, i * plane..<(i + 1) * plane) }
  }
}
