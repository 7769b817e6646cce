import ArgumentParser
import DescentNN
import DescentTensor

/// A set of named values an option takes (`--arch resnet34`). Parsed through `parse`, as the
/// option's transform: an unknown name is a usage error (exit 2) whose one line lists the
/// valid names.
protocol NamedChoice: CaseIterable {
  var argumentName: String { get }
}

extension NamedChoice {
  static var argumentNames: String { allCases.map(\.argumentName).joined(separator: ", ") }

  static func parse(_ value: String) throws -> Self {
    guard let found = allCases.first(where: { $0.argumentName == value }) else {
      throw ValidationError("must be one of \(argumentNames)")
    }
    return found
  }
}

extension Architecture: NamedChoice {
  var argumentName: String { rawValue }
}

extension ConvolutionAlgorithm: NamedChoice {
  var argumentName: String { "\(self)" }
}
