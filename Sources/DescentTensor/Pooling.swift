/// 2-D max and average pooling over NCHW input (blocked activations pooled as they lie), as
/// PyTorch's `max_pool2d` / `avg_pool2d` (average counts padding in the divisor, PyTorch's
/// default), and adaptive pooling to a fixed output size with PyTorch's overlapping bins.
extension Tensor {
  public func maxPool2d(kernel: Size2, stride: Size2? = nil, padding: Size2 = 0, ceilMode: Bool = false) -> Tensor {
    let g = poolGeometry("maxPool2d", kernel: kernel, stride: stride ?? kernel, padding: padding, ceilMode: ceilMode)
    let (out, format) = poolOutput(g)
    // The argmax workspace only when a backward can follow; oneDNN's inference kernel otherwise.
    let workspace = GradMode.isEnabled && requiresGrad ? MaxPoolWorkspace(g, format: format) : nil
    Profiler.measure(.pooling) {
      PoolingKernels.maxPool2dForward(
        g, input: storage.bytes, output: out.storage.bytes, workspace: workspace, format: format)
    }
    let outFormat = out.format
    return out.recorded("maxPool2d", [self]) { gradOut in
      let gi = Tensor(uninitializedShape: g.inputShape, format: format.storageFormat(g.inputShape))
      PoolingKernels.maxPool2dBackward(
        g, gradOutput: gradOut.converted(to: outFormat).storage.bytes, workspace: workspace!,
        gradInput: gi.storage.bytes)
      return [gi]
    }
  }

  public func avgPool2d(kernel: Size2, stride: Size2? = nil, padding: Size2 = 0, ceilMode: Bool = false) -> Tensor {
    // PyTorch's divisor for a partial window over padding has no oneDNN equivalent.
    precondition(!ceilMode || padding == 0, "avgPool2d: ceil mode with padding \(padding) is not supported")
    let g = poolGeometry("avgPool2d", kernel: kernel, stride: stride ?? kernel, padding: padding, ceilMode: ceilMode)
    let (out, format) = poolOutput(g)
    Profiler.measure(.pooling) {
      PoolingKernels.avgPool2dForward(g, input: storage.bytes, output: out.storage.bytes, format: format)
    }
    let outFormat = out.format
    return out.recorded("avgPool2d", [self]) { gradOut in
      let gi = Tensor(uninitializedShape: g.inputShape, format: format.storageFormat(g.inputShape))
      PoolingKernels.avgPool2dBackward(
        g, gradOutput: gradOut.converted(to: outFormat).storage.bytes, gradInput: gi.storage.bytes, format: format)
      return [gi]
    }
  }

  /// The output of a pooling with geometry `g`, in this tensor's format when it is blocked
  /// (the stem's activations, pooled as they lie), plain float32 otherwise.
  private func poolOutput(_ g: Pool2dGeometry) -> (Tensor, ActivationFormat) {
    let format = ActivationFormat(blockedOrPlainFormat)
    let outShape = [g.batch, g.channels, g.outHeight, g.outWidth]
    return (Tensor(uninitializedShape: outShape, format: format.storageFormat(outShape)), format)
  }

  public func adaptiveAvgPool2d(_ outputSize: Size2) -> Tensor {
    let (n, c, h, w) = adaptiveShape("adaptiveAvgPool2d", outputSize)
    let (oh, ow) = (outputSize.h, outputSize.w)
    let out = Tensor(uninitializedShape: [n, c, oh, ow])
    Profiler.measure(.pooling) {
      AdaptivePoolingKernels.avgPool2dForward(
        input: pointer, batch: n, channels: c, height: h, width: w, outHeight: oh, outWidth: ow, output: out.pointer)
    }
    return out.recorded("adaptiveAvgPool2d", [self]) { gradOut in
      let gi = Tensor(uninitializedShape: [n, c, h, w])
      AdaptivePoolingKernels.avgPool2dBackward(
        gradOutput: gradOut.pointer, batch: n, channels: c, height: h, width: w, outHeight: oh, outWidth: ow,
        gradInput: gi.pointer)
      return [gi]
    }
  }

  public func adaptiveMaxPool2d(_ outputSize: Size2) -> Tensor {
    let (n, c, h, w) = adaptiveShape("adaptiveMaxPool2d", outputSize)
    let (oh, ow) = (outputSize.h, outputSize.w)
    let out = Tensor(uninitializedShape: [n, c, oh, ow])
    let indices = UnsafeMutableBufferPointer<Int32>.allocate(capacity: Swift.max(1, out.count))
    let saved = IndexBuffer(indices)
    Profiler.measure(.pooling) {
      AdaptivePoolingKernels.maxPool2dForward(
        input: pointer, batch: n, channels: c, height: h, width: w, outHeight: oh, outWidth: ow, output: out.pointer,
        indices: indices.baseAddress!)
    }
    return out.recorded("adaptiveMaxPool2d", [self]) { gradOut in
      let gi = Tensor(uninitializedShape: [n, c, h, w])
      AdaptivePoolingKernels.maxPool2dBackward(
        gradOutput: gradOut.pointer, indices: saved.buffer.baseAddress!, batch: n, channels: c, height: h, width: w,
        outHeight: oh, outWidth: ow, gradInput: gi.pointer)
      return [gi]
    }
  }

  func poolGeometry(_ op: String, kernel: Size2, stride: Size2, padding: Size2, ceilMode: Bool) -> Pool2dGeometry {
    precondition(rank == 4, "\(op): input must be [N, C, H, W], not \(shape)")
    precondition(kernel.h > 0 && kernel.w > 0 && stride.h > 0 && stride.w > 0,
                 "\(op): kernel \(kernel) and stride \(stride) must be positive")
    precondition(padding.h <= kernel.h / 2 && padding.w <= kernel.w / 2,
                 "\(op): padding \(padding) must be at most half the kernel \(kernel), as in PyTorch")
    let g = Pool2dGeometry(
      batch: shape[0], channels: shape[1], height: shape[2], width: shape[3], kernelH: kernel.h, kernelW: kernel.w,
      strideH: stride.h, strideW: stride.w, padH: padding.h, padW: padding.w, ceilMode: ceilMode)
    precondition(g.outHeight > 0 && g.outWidth > 0, "\(op): input \(shape) is smaller than kernel \(kernel)")
    return g
  }

  func adaptiveShape(_ op: String, _ size: Size2) -> (Int, Int, Int, Int) {
    precondition(rank == 4, "\(op): input must be [N, C, H, W], not \(shape)")
    precondition(size.h > 0 && size.w > 0, "\(op): output size \(size) must be positive")
    return (shape[0], shape[1], shape[2], shape[3])
  }
}

extension Pool2dGeometry {
  var inputShape: [Int] { [batch, channels, height, width] }
}

/// The argmax indices adaptive max pooling saves for its backward; freed when the tape drops
/// the closure that holds them.
final class IndexBuffer {
  let buffer: UnsafeMutableBufferPointer<Int32>
  init(_ buffer: UnsafeMutableBufferPointer<Int32>) { self.buffer = buffer }
  deinit { buffer.deallocate() }
}
