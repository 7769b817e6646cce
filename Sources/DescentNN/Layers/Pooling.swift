import DescentTensor

/// A window pooling layer's settings (stride defaults to the kernel size, as in PyTorch).
public class Pool2d: Module {
  public let kernel: Size2, stride: Size2, padding: Size2, ceilMode: Bool

  public init(_ kernel: Size2, stride: Size2? = nil, padding: Size2 = 0, ceilMode: Bool = false) {
    (self.kernel, self.stride, self.padding, self.ceilMode) = (kernel, stride ?? kernel, padding, ceilMode)
    super.init()
  }
}

/// PyTorch's `nn.MaxPool2d`.
public final class MaxPool2d: Pool2d {
  public override func forward(_ x: Tensor) -> Tensor {
    x.maxPool2d(kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode)
  }
}

/// PyTorch's `nn.AvgPool2d` with `count_include_pad=True`.
public final class AvgPool2d: Pool2d {
  public override func forward(_ x: Tensor) -> Tensor {
    x.avgPool2d(kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode)
  }
}

/// An adaptive pooling layer's output size.
public class AdaptivePool2d: Module {
  public let outputSize: Size2

  public init(_ outputSize: Size2 = 1) {
    self.outputSize = outputSize
    super.init()
  }
}

/// PyTorch's `nn.AdaptiveAvgPool2d`.
public final class AdaptiveAvgPool2d: AdaptivePool2d {
  public override func forward(_ x: Tensor) -> Tensor { x.adaptiveAvgPool2d(outputSize) }
}

/// PyTorch's `nn.AdaptiveMaxPool2d`.
public final class AdaptiveMaxPool2d: AdaptivePool2d {
  public override func forward(_ x: Tensor) -> Tensor { x.adaptiveMaxPool2d(outputSize) }
}

/// fastai's `AdaptiveConcatPool2d`: adaptive max pooling and adaptive average pooling side by
/// side on the channel axis, max first, so C channels become 2·C.
public final class AdaptiveConcatPool2d: AdaptivePool2d {
  public override func forward(_ x: Tensor) -> Tensor {
    Tensor.cat([x.adaptiveMaxPool2d(outputSize), x.adaptiveAvgPool2d(outputSize)], axis: 1)
  }
}
