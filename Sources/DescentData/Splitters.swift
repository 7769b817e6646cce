import DescentTensor
import Foundation

/// Indices of the training and validation items.
public struct Split: Equatable, Sendable {
  public var train: [Int]
  public var valid: [Int]

  public init(train: [Int], valid: [Int]) {
    self.train = train
    self.valid = valid
  }
}

/// fastai's `GrandparentSplitter`: an item goes to training or validation by the name of its
/// grandparent folder (`root/train/<label>/x.jpg`); items under neither are left out.
public struct GrandparentSplitter: Sendable {
  public var trainName: String
  public var validName: String

  public init(trainName: String = "train", validName: String = "valid") {
    self.trainName = trainName
    self.validName = validName
  }

  public func split(_ files: [URL]) -> Split {
    var result = Split(train: [], valid: [])
    for (i, f) in files.enumerated() {
      let grandparent = f.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
      if grandparent == trainName { result.train.append(i) } else if grandparent == validName { result.valid.append(i) }
    }
    return result
  }
}

/// fastai's `RandomSplitter`: a seeded random `validPct` of the items for validation.
public struct RandomSplitter: Sendable {
  public var validPct: Double
  public var seed: UInt64

  public init(validPct: Double = 0.2, seed: UInt64 = 42) {
    precondition(validPct >= 0 && validPct <= 1, "RandomSplitter: validPct \(validPct) is not in [0, 1]")
    self.validPct = validPct
    self.seed = seed
  }

  public func split(_ files: [URL]) -> Split {
    var generator = RandomGenerator(seed: seed)
    let order = Array(0..<files.count).shuffled(using: &generator)
    let cut = Int(validPct * Double(files.count))
    return Split(train: Array(order[cut...]), valid: Array(order[..<cut]))
  }
}
