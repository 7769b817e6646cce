import DescentTensor

/// torchvision's ResNet with its structure and parameter names (`conv1`, `bn1`, `layer1.0.conv1`,
/// …, `fc`), any number of input channels and classes. Initialized as torchvision: convolutions
/// kaiming-normal (fan-out, ReLU gain), batch norm weight 1 and bias 0, `fc` as `nn.Linear`.
public final class ResNet: Module {
  public enum Block: Sendable { case basic, bottleneck }

  public let conv1: Conv2d, bn1: BatchNorm2d
  public let relu = ReLU()
  public let maxpool = MaxPool2d(3, stride: 2, padding: 1)
  public let layer1: Sequential, layer2: Sequential, layer3: Sequential, layer4: Sequential
  public let avgpool = AdaptiveAvgPool2d(1)
  public let flatten = Flatten()
  public let fc: Linear

  public init(block: Block, layers: [Int], inChannels: Int = 3, numClasses: Int = 1000) {
    precondition(layers.count == 4, "ResNet: four stages of blocks, not \(layers)")
    conv1 = Conv2d(inChannels, 64, kernelSize: 7, stride: 2, padding: 3, bias: false)
    bn1 = BatchNorm2d(64)
    var inPlanes = 64
    func stage(_ planes: Int, _ blocks: Int, stride: Int) -> Sequential {
      let expansion = block == .basic ? BasicBlock.expansion : Bottleneck.expansion
      var downsample: Sequential?
      if stride != 1 || inPlanes != planes * expansion {
        downsample = Sequential(
          Conv2d(inPlanes, planes * expansion, kernelSize: 1, stride: Size2(stride), bias: false),
          BatchNorm2d(planes * expansion))
      }
      var modules: [Module] = []
      for i in 0..<blocks {
        let (s, d) = i == 0 ? (stride, downsample) : (1, nil)
        modules.append(
          block == .basic
            ? BasicBlock(inPlanes, planes, stride: s, downsample: d) : Bottleneck(inPlanes, planes, stride: s, downsample: d))
        inPlanes = planes * expansion
      }
      return Sequential(modules)
    }
    layer1 = stage(64, layers[0], stride: 1)
    layer2 = stage(128, layers[1], stride: 2)
    layer3 = stage(256, layers[2], stride: 2)
    layer4 = stage(512, layers[3], stride: 2)
    fc = Linear(inPlanes, numClasses)
    super.init()
    noGrad {
      for case let conv as Conv2d in namedModules().map(\.1) {
        _ = conv.weight.copy_(Tensor.kaimingNormal(conv.weight.shape, fanOut: true))
      }
    }
  }

  public static func resnet18(inChannels: Int = 3, numClasses: Int = 1000) -> ResNet {
    ResNet(block: .basic, layers: [2, 2, 2, 2], inChannels: inChannels, numClasses: numClasses)
  }

  public static func resnet34(inChannels: Int = 3, numClasses: Int = 1000) -> ResNet {
    ResNet(block: .basic, layers: [3, 4, 6, 3], inChannels: inChannels, numClasses: numClasses)
  }

  public static func resnet50(inChannels: Int = 3, numClasses: Int = 1000) -> ResNet {
    ResNet(block: .bottleneck, layers: [3, 4, 6, 3], inChannels: inChannels, numClasses: numClasses)
  }

  public override var children: [(String, Module)] {
    [
      ("conv1", conv1), ("bn1", bn1), ("relu", relu), ("maxpool", maxpool), ("layer1", layer1), ("layer2", layer2),
      ("layer3", layer3), ("layer4", layer4), ("avgpool", avgpool), ("fc", fc),
    ]
  }

  /// Everything before the average pool, as fastai's `create_body` cuts it: a Sequential of
  /// conv1, bn1, relu, maxpool, layer1…layer4 (indices 0…7), sharing this model's modules.
  public func body() -> Sequential {
    Sequential(conv1, bn1, relu, maxpool, layer1, layer2, layer3, layer4)
  }

  /// Channels the body outputs: 512 (basic blocks) or 2048 (bottlenecks).
  public var bodyChannels: Int { fc.weight.shape[1] }

  public override func forward(_ x: Tensor) -> Tensor {
    fc(flatten(avgpool(body()(x))))
  }
}
