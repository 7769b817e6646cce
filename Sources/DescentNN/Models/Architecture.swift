/// A model fastai's `vision_learner` can cut into a body and put a new head on.
public protocol VisionBackbone: Module {
  /// Everything before the average pool, as fastai's `create_body` cuts it.
  func body() -> Sequential
  /// Channels the body outputs.
  var bodyChannels: Int { get }
  /// Where fastai's splitter cuts the body into its first two parameter groups (`_resnet_split`
  /// after layer2, `_xresnet_split` after the stem).
  static var bodySplit: Int { get }
}

extension ResNet: VisionBackbone {
  public static var bodySplit: Int { 6 }
}

extension XResNet: VisionBackbone {
  public static var bodySplit: Int { 3 }
}

/// The architectures the command line and `visionLearner` can build by name.
public enum Architecture: String, CaseIterable, Sendable {
  case resnet18, resnet34, resnet50, xresnet18, xresnet34, xresnet50

  public func make(inChannels: Int = 3, numClasses: Int = 1000) -> any VisionBackbone {
    switch self {
    case .resnet18: return ResNet.resnet18(inChannels: inChannels, numClasses: numClasses)
    case .resnet34: return ResNet.resnet34(inChannels: inChannels, numClasses: numClasses)
    case .resnet50: return ResNet.resnet50(inChannels: inChannels, numClasses: numClasses)
    case .xresnet18: return XResNet.xresnet18(inChannels: inChannels, numClasses: numClasses)
    case .xresnet34: return XResNet.xresnet34(inChannels: inChannels, numClasses: numClasses)
    case .xresnet50: return XResNet.xresnet50(inChannels: inChannels, numClasses: numClasses)
    }
  }
}
