/// 2-D convolution over NCHW input with an OIHW weight, as PyTorch's `conv2d`. The backend
/// chooses the algorithm per shape (see ConvolutionKernels) and keeps the output in the blocked
/// layout where it can (see StorageFormat): the values read the same.
extension Tensor {
  public func conv2d(
    _ weight: Tensor, bias: Tensor? = nil, stride: Size2 = 1, padding: Size2 = 0, dilation: Size2 = 1, groups: Int = 1
  ) -> Tensor {
    precondition(rank == 4, "conv2d: input must be [N, C, H, W], not \(shape)")
    precondition(weight.rank == 4, "conv2d: weight must be [out, in/groups, kh, kw], not \(weight.shape)")
    precondition(groups >= 1 && shape[1] % groups == 0 && weight.shape[0] % groups == 0,
                 "conv2d: \(shape[1]) input and \(weight.shape[0]) output channels do not divide into \(groups) groups")
    precondition(weight.shape[1] * groups == shape[1],
                 "conv2d: weight \(weight.shape) expects \(weight.shape[1] * groups) input channels, the input \(shape) has \(shape[1])")
    if let bias {
      precondition(bias.shape == [weight.shape[0]], "conv2d: bias must be [\(weight.shape[0])], not \(bias.shape)")
    }
    let g = Conv2dGeometry(
      batch: shape[0], inChannels: shape[1], outChannels: weight.shape[0], height: shape[2], width: shape[3],
      kernelHeight: weight.shape[2], kernelWidth: weight.shape[3], strideH: stride.h, strideW: stride.w,
      padH: padding.h, padW: padding.w, dilationH: dilation.h, dilationW: dilation.w, groups: groups)
    precondition(g.outHeight > 0 && g.outWidth > 0,
                 "conv2d: input \(shape) is too small for kernel \(weight.shape[2])×\(weight.shape[3]) with padding \(padding), dilation \(dilation)")
    let outShape = [g.batch, g.outChannels, g.outHeight, g.outWidth]
    // Forced im2col computes on plain float32 only; otherwise the input is read in the format
    // it is in and the output written blocked where its shape allows (see StorageFormat).
    let plainOnly = ConvolutionKernels.algorithm == .im2col
    // The backward is asked for the precision the forward was (as autocast records it); under
    // `.mixed` each pass then takes the precision that times faster, and stores what it writes
    // in that precision.
    let requested = ComputePrecision.current
    let inputFormat = plainOnly ? converted(to: .plain).format : format
    func activationFormat(_ shape: [Int], _ precision: ComputePrecision) -> StorageFormat {
      plainOnly ? .plain : .activation(shape, precision)
    }
    let precision = ConvolutionKernels.precision(
      g, .forward, for: requested, hasBias: bias != nil,
      layouts: ConvolutionLayouts(input: ActivationFormat(inputFormat), output: ActivationFormat(activationFormat(outShape, .float32))))
    let out = Tensor(uninitializedShape: outShape, format: activationFormat(outShape, precision))
    // Where a backward will run, the forward leaves it what it can use again (ConvolutionReuse).
    let reuse = GradMode.isEnabled && (requiresGrad || weight.requiresGrad) ? ConvolutionReuse() : nil
    ConvolutionKernels.forward(
      g, input: storage.bytes, weight: weight.pointer, bias: bias.map { UnsafePointer($0.pointer) },
      output: out.storage.bytes, precision: precision,
      layouts: ConvolutionLayouts(input: ActivationFormat(inputFormat), output: ActivationFormat(out.format)), reuse: reuse)
    var inputs = [self, weight]
    if let bias { inputs.append(bias) }
    return out.recorded("conv2d", inputs) { [self] gradOut in
      defer { reuse?.release() }
      // Formats as they are now: an op in between may have made a tensor row-major.
      if plainOnly { gradOut.converted(to: .plain) }
      let outputFormat = ActivationFormat(gradOut.format)
      var grads: [Tensor?] = [nil, nil]
      if self.requiresGrad {
        let precision = ConvolutionKernels.precision(
          g, .backwardData, for: requested, hasBias: false,
          layouts: ConvolutionLayouts(input: ActivationFormat(activationFormat(self.shape, .float32)), output: outputFormat))
        let gi = Tensor(uninitializedShape: self.shape, format: activationFormat(self.shape, precision))
        ConvolutionKernels.backwardData(
          g, gradOutput: gradOut.storage.bytes, weight: weight.pointer, gradInput: gi.storage.bytes,
          precision: precision, layouts: ConvolutionLayouts(input: ActivationFormat(gi.format), output: outputFormat),
          reuse: reuse)
        grads[0] = gi
      }
      let gb = bias.map { Tensor(uninitializedShape: $0.shape) }
      if weight.requiresGrad || bias?.requiresGrad == true {
        // A leaf weight's dropped gradient storage is overwritten whole here (the usual case).
        let gw = weight.isLeaf ? weight.takeGradientStorage() : Tensor(uninitializedShape: weight.shape)
        if plainOnly { self.converted(to: .plain) }
        let layouts = ConvolutionLayouts(input: ActivationFormat(self.format), output: outputFormat)
        let precision = ConvolutionKernels.precision(g, .backwardWeights, for: requested, hasBias: gb != nil, layouts: layouts)
        ConvolutionKernels.backwardWeights(
          g, input: self.storage.bytes, gradOutput: gradOut.storage.bytes, gradWeight: gw.pointer,
          gradBias: gb?.pointer, precision: precision, layouts: layouts, reuse: reuse)
        grads[1] = gw
      }
      if let gb { grads.append(gb) }
      return grads
    }
  }
}
