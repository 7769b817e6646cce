/// 2-D convolution over NCHW input with an OIHW weight, as PyTorch's `conv2d`. The backend
/// chooses the algorithm per shape (see ConvolutionKernels).
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
    let out = Tensor(uninitializedShape: [g.batch, g.outChannels, g.outHeight, g.outWidth])
    // The backward runs in the precision the forward ran in (as autocast records it).
    let precision = ComputePrecision.current
    ConvolutionKernels.forward(
      g, input: pointer, weight: weight.pointer, bias: bias.map { UnsafePointer($0.pointer) }, output: out.pointer,
      precision: precision)
    var inputs = [self, weight]
    if let bias { inputs.append(bias) }
    return out.recorded("conv2d", inputs) { [self] gradOut in
      var grads: [Tensor?] = [nil, nil]
      if self.requiresGrad {
        let gi = Tensor(uninitializedShape: self.shape)
        ConvolutionKernels.backwardData(
          g, gradOutput: gradOut.pointer, weight: weight.pointer, gradInput: gi.pointer, precision: precision)
        grads[0] = gi
      }
      let gb = bias.map { Tensor(uninitializedShape: $0.shape) }
      if weight.requiresGrad || bias?.requiresGrad == true {
        let gw = Tensor(uninitializedShape: weight.shape)
        ConvolutionKernels.backwardWeights(
          g, input: self.pointer, gradOutput: gradOut.pointer, gradWeight: gw.pointer, gradBias: gb?.pointer,
          precision: precision)
        grads[1] = gw
      }
      if let gb { grads.append(gb) }
      return grads
    }
  }
}
