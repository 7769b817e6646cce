/// Throughput of Descent's own ops through the Tensor API (allocation of results included), to
/// be read beside `MachineLimits` measured in the same run.
public enum TensorBenchmarks {
  /// GFLOP/s of `Tensor.matmul` on n×n×n, a fresh output tensor each call.
  public static func matmulGFLOPs(n: Int = 2048, seconds: Double = 1) -> Double {
    var g = RandomGenerator(seed: 2)
    let a = Tensor.uniform([n, n], using: &g), b = Tensor.uniform([n, n], using: &g)
    let t = Timing.secondsPerCall(minimumSeconds: seconds) { _ = a.matmul(b) }
    return 2 * Double(n) * Double(n) * Double(n) / t / 1e9
  }

  /// GB/s of a training batch norm with ReLU, forward and backward, on blocked activations of
  /// `shape` stored as `element`, counting the bytes its passes must move: forward reads x for
  /// the statistics, then reads x and writes y; backward reads dy, x and y for the sums, then
  /// again to write dx — ten activation-sized transfers. At the copy bandwidth it is memory-bound.
  public static func batchNormGBps(
    shape: [Int] = [32, 256, 32, 32], element: StorageFormat.Element, seconds: Double = 1
  ) -> Double {
    let format = StorageFormat.blocked(shape, element)!
    let operands = blockedNormals(2, shape: shape, format: format, seed: 3)
    let (x, dy) = (operands[0], operands[1])
    let (y, dx) = (Tensor(uninitializedShape: shape, format: format), Tensor(uninitializedShape: shape, format: format))
    let c = shape[1], spatial = shape[2] * shape[3]
    let (weight, bias) = (Tensor.ones([c]), Tensor.zeros([c]))
    let (mean, invStd, dw, db) = (Tensor.zeros([c]), Tensor.zeros([c]), Tensor.zeros([c]), Tensor.zeros([c]))
    let t = Timing.secondsPerCall(minimumSeconds: seconds) {
      BatchNormKernels.forwardTraining(
        input: x.storage.bytes, n: shape[0], c: c, spatial: spatial, weight: weight.pointer, bias: bias.pointer,
        eps: 1e-5, output: y.storage.bytes, saveMean: mean.pointer, saveInvStd: invStd.pointer, relu: true,
        layout: .blocked16, element: element)
      BatchNormKernels.backward(
        input: x.storage.bytes, gradOutput: dy.storage.bytes, n: shape[0], c: c, spatial: spatial,
        weight: weight.pointer, saveMean: mean.pointer, saveInvStd: invStd.pointer, gradInput: dx.storage.bytes,
        gradWeight: dw.pointer, gradBias: db.pointer, reluOutput: UnsafeRawPointer(y.storage.bytes),
        layout: .blocked16, element: element)
    }
    return 10 * Double(x.count * element.byteCount) / t / 1e9
  }

  /// GB/s of a ResNet block's residual sum with its ReLU, forward and backward through the
  /// Tensor API, on blocked activations of `shape` stored as `element`: the forward reads both
  /// operands and writes the sum, the backward reads the gradient and the saved sum and writes
  /// the masked gradient — six activation-sized transfers.
  public static func addReLUGBps(
    shape: [Int] = [32, 256, 32, 32], element: StorageFormat.Element, seconds: Double = 1
  ) -> Double {
    residualOpGBps(shape: shape, element: element, seconds: seconds, seed: 4, transfers: 6) { $0.addReLU($1) }
  }

  /// GB/s of a ResNet block's end — batch norm, residual sum and ReLU as one op — forward and
  /// backward through the Tensor API, on blocked activations of `shape` stored as `element`:
  /// the forward reads x for the statistics, then x and the residual to write the output; the
  /// backward reads the gradient, the output and x for the sums while writing the masked
  /// gradient (the residual's), then reads that and x to write x's — eleven activation-sized
  /// transfers, where the batch norm and `addReLU` apart make fourteen.
  public static func batchNormAddReLUGBps(
    shape: [Int] = [32, 256, 32, 32], element: StorageFormat.Element, seconds: Double = 1
  ) -> Double {
    let (weight, bias) = (Tensor.ones([shape[1]]), Tensor.zeros([shape[1]]))
    return residualOpGBps(shape: shape, element: element, seconds: seconds, seed: 5, transfers: 11) { x, residual in
      x.batchNorm(
        weight: weight, bias: bias, runningMean: nil, runningVar: nil, training: true, relu: true, residual: residual)
    }
  }

  /// GB/s of `op(x, residual)` forward and backward through the Tensor API (both inputs
  /// requiring grad, their gradients dropped before each call), counting `transfers`
  /// activation-sized transfers per call.
  private static func residualOpGBps(
    shape: [Int], element: StorageFormat.Element, seconds: Double, seed: UInt64, transfers: Int,
    _ op: (Tensor, Tensor) -> Tensor
  ) -> Double {
    let operands = blockedNormals(3, shape: shape, format: StorageFormat.blocked(shape, element)!, seed: seed)
    let (x, residual, dy) = (operands[0], operands[1], operands[2])
    x.requiresGrad = true
    residual.requiresGrad = true
    let t = Timing.secondsPerCall(minimumSeconds: seconds) {
      x.grad = nil
      residual.grad = nil
      try! op(x, residual).backward(gradient: dy)
    }
    return Double(transfers * x.count * element.byteCount) / t / 1e9
  }

  /// `count` tensors of standard normal values, stored in `format`.
  private static func blockedNormals(_ count: Int, shape: [Int], format: StorageFormat, seed: UInt64) -> [Tensor] {
    var g = RandomGenerator(seed: seed)
    return (0..<count).map { _ in Tensor.normal(shape, using: &g).converted(to: format) }
  }
}
