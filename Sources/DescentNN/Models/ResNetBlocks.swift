import DescentTensor

/// torchvision's `BasicBlock`: two 3×3 convolutions with batch norm, plus the identity (or a
/// 1×1 strided projection when the shape changes), then ReLU.
public final class BasicBlock: Module {
  public static let expansion = 1
  public let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d
  public let relu = ReLU()
  public let downsample: Sequential?

  public init(_ inPlanes: Int, _ planes: Int, stride: Int = 1, downsample: Sequential? = nil) {
    conv1 = Conv2d(inPlanes, planes, kernelSize: 3, stride: Size2(stride), padding: 1, bias: false)
    bn1 = BatchNorm2d(planes)
    conv2 = Conv2d(planes, planes, kernelSize: 3, padding: 1, bias: false)
    bn2 = BatchNorm2d(planes)
    self.downsample = downsample
    super.init()
  }

  public override var children: [(String, Module)] {
    [("conv1", conv1), ("bn1", bn1), ("relu", relu), ("conv2", conv2), ("bn2", bn2)]
      + (downsample.map { [("downsample", $0)] } ?? [])
  }

  public override func forward(_ x: Tensor) -> Tensor {
    // relu(bn1(·)) and relu(bn2(·) + identity) each run as one fused op; in eval the batch
    // norms fold into their convolutions. The identity (and its downsample) comes first, as the
    // fused op takes it: the order changes no value.
    let identity = downsample?(x) ?? x
    return conv2.forward(conv1.forward(x, then: bn1, relu: true), then: bn2, relu: true, residual: identity)
  }
}

/// torchvision's `Bottleneck` (ResNet v1.5: the stride on the 3×3 convolution): 1×1 down to
/// `planes`, 3×3, 1×1 up to 4·planes, each with batch norm, plus the identity or projection.
public final class Bottleneck: Module {
  public static let expansion = 4
  public let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d, conv3: Conv2d, bn3: BatchNorm2d
  public let relu = ReLU()
  public let downsample: Sequential?

  public init(_ inPlanes: Int, _ planes: Int, stride: Int = 1, downsample: Sequential? = nil) {
    conv1 = Conv2d(inPlanes, planes, kernelSize: 1, bias: false)
    bn1 = BatchNorm2d(planes)
    conv2 = Conv2d(planes, planes, kernelSize: 3, stride: Size2(stride), padding: 1, bias: false)
    bn2 = BatchNorm2d(planes)
    conv3 = Conv2d(planes, planes * Self.expansion, kernelSize: 1, bias: false)
    bn3 = BatchNorm2d(planes * Self.expansion)
    self.downsample = downsample
    super.init()
  }

  public override var children: [(String, Module)] {
    [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3), ("bn3", bn3), ("relu", relu)]
      + (downsample.map { [("downsample", $0)] } ?? [])
  }

  public override func forward(_ x: Tensor) -> Tensor {
    // Each batch norm with its ReLU, and the last with the residual sum and its ReLU, run as
    // one op; in eval the batch norms fold into their convolutions.
    let identity = downsample?(x) ?? x
    let out = conv2.forward(conv1.forward(x, then: bn1, relu: true), then: bn2, relu: true)
    return conv3.forward(out, then: bn3, relu: true, residual: identity)
  }
}
