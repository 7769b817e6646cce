import Foundation

/// fastai's `parent_label`: the name of the folder holding the file.
public func parentLabel(_ file: URL) -> String {
  file.deletingLastPathComponent().lastPathComponent
}

/// The sorted class names (fastai's `CategoryMap`), mapping a label to its index and back.
public struct Vocab: Equatable, Sendable {
  public let classes: [String]
  private let index: [String: Int]

  public init<S: Sequence>(_ labels: S) where S.Element == String {
    classes = Array(Set(labels)).sorted()
    index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
  }

  public var count: Int { classes.count }
  public subscript(_ i: Int) -> String { classes[i] }
  public func index(of label: String) -> Int? { index[label] }
}
