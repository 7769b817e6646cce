/// Batch normalization over the channel axis 1 of [N, C], [N, C, L] or [N, C, H, W] input, as
/// PyTorch's `batch_norm`. In training the batch's own statistics normalize (biased variance)
/// and, when running statistics are given, they are updated in place with
/// running = (1 − momentum)·running + momentum·batch (unbiased variance), outside the tape. In
/// evaluation the running statistics normalize. With `relu`, the result is
/// `batchNorm(…).relu()` to the bit, forward and backward, computed in the batch norm's own passes
/// over memory (see BatchNormKernels). With `residual` too, the result is
/// `batchNorm(…).addReLU(residual)` to the bit (a ResNet block's last batch norm, its residual
/// sum and ReLU), in the same passes: the batch norm's output is never written and read back.
/// Without `relu`, `residual` is added alone. With `sync`, training statistics (and the sums the
/// input's gradient needs) are those of every process's batch of a data-parallel run, as
/// PyTorch's `SyncBatchNorm`.
/// Adds values over the processes of a data-parallel run, in place (an MPI all-reduce); every
/// process calls it at the same point with the same number of values.
public typealias CrossProcessSum = (UnsafeMutableBufferPointer<Double>) -> Void

extension Tensor {
  public func batchNorm(
    weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?, training: Bool,
    momentum: Float = 0.1, eps: Float = 1e-5, relu: Bool = false, residual: Tensor? = nil,
    sync: CrossProcessSum? = nil
  ) -> Tensor {
    precondition(rank >= 2, "batchNorm: input must be [N, C, …], not \(shape)")
    if let residual {
      precondition(residual.shape == shape, "batchNorm: residual must be \(shape), not \(residual.shape)")
    }
    let n = shape[0], c = shape[1], spatial = count / Swift.max(1, n * c)
    for (name, t) in [("weight", weight), ("bias", bias), ("runningMean", runningMean), ("runningVar", runningVar)] {
      if let t { precondition(t.shape == [c], "batchNorm: \(name) must be [\(c)] for input \(shape), not \(t.shape)") }
    }
    // Blocked activations (a convolution's output, float32 or bfloat16) are normalized where
    // they lie, into the same format; anything else is read row-major float32.
    let inputFormat = blockedOrPlainFormat
    let layout: BatchNormKernels.BatchNormLayout = inputFormat.isBlocked ? .blocked16 : .planar
    // The residual joins the batch norm's passes in training when it is stored as the input is;
    // otherwise (evaluation, or another format) the sum runs as its own op, to the same values.
    if let residual, !training || residual.format != inputFormat {
      let y = batchNorm(
        weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar, training: training,
        momentum: momentum, eps: eps, sync: sync)
      return relu ? y.addReLU(residual) : y + residual
    }
    let out = Tensor(uninitializedShape: shape, format: inputFormat)
    let w = weight.map { UnsafePointer($0.pointer) }, b = bias.map { UnsafePointer($0.pointer) }
    var inputs = [self]
    if let weight { inputs.append(weight) }
    if let bias { inputs.append(bias) }
    if let residual { inputs.append(residual) }
    guard training else {
      guard let runningMean, let runningVar else {
        preconditionFailure("batchNorm: evaluation mode needs running statistics")
      }
      Profiler.measure(.batchNorm) {
        BatchNormKernels.forwardInference(
          input: storage.bytes, n: n, c: c, spatial: spatial, weight: w, bias: b, runningMean: runningMean.pointer,
          runningVar: runningVar.pointer, eps: eps, output: out.storage.bytes, relu: relu, layout: layout,
          element: inputFormat.element)
      }
      // The backward keeps the output's storage, not the output (which holds this closure).
      let saved = out.storage
      // Evaluation backward (rare: fine-tuning with frozen statistics) from Tensor ops, built
      // only when a backward runs (eval never updates the running statistics).
      return out.recorded("batchNorm", inputs) { [self] gradOut in
        let gradOut = relu ? gradOut.broadcastMap(ReluBackwardKernel.self, Tensor(storage: saved, shape: shape), op: "relu backward") : gradOut
        let mean = runningMean, invStd = 1 / (runningVar + eps).sqrt()
        let perChannel = [1, c] + Array(repeating: 1, count: rank - 2)
        let reduced = [0] + Array(2..<rank)
        let scale = (weight.map { $0 * invStd } ?? invStd).reshape(perChannel)
        var grads: [Tensor?] = [gradOut * scale]
        if weight != nil {
          grads.append((gradOut * (self - mean.reshape(perChannel)) * invStd.reshape(perChannel)).sum(axes: reduced))
        }
        if bias != nil { grads.append(gradOut.sum(axes: reduced)) }
        return grads
      }
    }
    precondition(n * spatial > 1, "batchNorm: training needs more than one value per channel, input is \(shape)")
    let saveMean = Tensor(uninitializedShape: [c]), saveInvStd = Tensor(uninitializedShape: [c])
    Profiler.measure(.batchNorm) {
      let count = BatchNormKernels.forwardTraining(
        input: storage.bytes, n: n, c: c, spatial: spatial, weight: w, bias: b, eps: eps, output: out.storage.bytes,
        saveMean: saveMean.pointer, saveInvStd: saveInvStd.pointer, relu: relu,
        residual: residual.map { UnsafeRawPointer($0.storage.bytes) }, layout: layout, element: inputFormat.element,
        sync: sync)
      if let runningMean, let runningVar {
        BatchNormKernels.updateRunningStats(
          runningMean: runningMean.pointer, runningVar: runningVar.pointer, saveMean: saveMean.pointer,
          saveInvStd: saveInvStd.pointer, eps: eps, channels: c, count: count, momentum: momentum)
      }
    }
    let saved = relu ? out.storage : nil
    return out.recorded("batchNorm", inputs) { [self] gradOut in
      // Every operand in the input's format as it is now (an op in between may have made it
      // row-major).
      let format = self.format
      let layout: BatchNormKernels.BatchNormLayout = format.isBlocked ? .blocked16 : .planar
      let reluOutput = saved.map { Tensor(storage: $0, shape: self.shape).converted(to: format) }
      let gi = Tensor(uninitializedShape: self.shape, format: format)
      let gw = weight.map { Tensor(uninitializedShape: $0.shape) }
      let gb = bias.map { Tensor(uninitializedShape: $0.shape) }
      // The residual's gradient is the incoming one masked by the ReLU (as addReLU's backward
      // gives it to both its inputs), written out by the first pass and read by the second.
      let gr = residual.map { _ in relu ? Tensor(uninitializedShape: self.shape, format: format) : gradOut }
      BatchNormKernels.backward(
        input: self.storage.bytes, gradOutput: gradOut.converted(to: format).storage.bytes, n: n, c: c,
        spatial: spatial, weight: w, saveMean: saveMean.pointer, saveInvStd: saveInvStd.pointer,
        gradInput: gi.storage.bytes, gradWeight: gw?.pointer, gradBias: gb?.pointer,
        reluOutput: reluOutput.map { UnsafeRawPointer($0.storage.bytes) },
        maskedGradOutput: relu ? gr?.storage.bytes : nil, layout: layout, element: format.element, sync: sync)
      return [gi] + (gw.map { [$0] } ?? []) + (gb.map { [$0] } ?? []) + (gr.map { [$0] } ?? [])
    }
  }
}
