import DescentTensor

/// One mini-batch: images `[N, C, H, W]` and their class indices.
///
/// `@unchecked Sendable`: a batch is built by one worker thread and then handed, whole and
/// never touched again by the worker, to the consumer.
public struct Batch: @unchecked Sendable {
  public let x: Tensor
  public let y: [Int]
  /// Paths of the images, in batch order (for showing a batch or reporting a file).
  public let files: [String]

  public init(x: Tensor, y: [Int], files: [String] = []) {
    precondition(x.shape.first == y.count, "Batch: \(y.count) labels for images of shape \(x.shape)")
    self.x = x
    self.y = y
    self.files = files
  }

  public var count: Int { y.count }

  /// The labels as a float tensor `[N]` (for losses that take a tensor of class indices).
  public var labels: Tensor { Tensor(y.map(Float.init)) }
}

/// What a loader does with an image it cannot read or decode.
public enum BadFilePolicy: String, Sendable, CaseIterable {
  /// Stop the run with the error naming the file.
  case fail
  /// Leave the image out of its batch, count it and keep its error for the report.
  case skip
}
