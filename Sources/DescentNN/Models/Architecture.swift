/// The architectures the command line and `visionLearner` can build by name.
public enum Architecture: String, CaseIterable, Sendable {
  case resnet18, resnet34, resnet50

  public func make(inChannels: Int = 3, numClasses: Int = 1000) -> ResNet {
    switch self {
    case .resnet18: return .resnet18(inChannels: inChannels, numClasses: numClasses)
    case .resnet34: return .resnet34(inChannels: inChannels, numClasses: numClasses)
    case .resnet50: return .resnet50(inChannels: inChannels, numClasses: numClasses)
    }
  }

  public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
