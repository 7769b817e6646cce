/// Why training or a checkpoint operation stopped, in words that say what to do next.
public enum LearnerError: Error, CustomStringConvertible {
  /// The training loss became NaN or infinite; the batch's update was not applied.
  case nonFiniteLoss(loss: Float, epoch: Int, batch: Int, lr: Float)
  /// A data source has no batches.
  case emptyData(which: String)
  /// A checkpoint file could not be written or read.
  case checkpointIO(path: String, reason: String)
  /// The CSV log could not be written.
  case csvIO(path: String, reason: String)
  /// A TensorBoard event file could not be written.
  case eventFileIO(path: String, reason: String)
  /// A checkpoint does not fit this model or optimizer.
  case checkpointMismatch(path: String, reason: String)
  /// Data-parallel training over more processes than the training data has items.
  case shardTooSmall(processes: Int)
  /// Data-parallel validation needs metrics that add up over processes.
  case metricNotSummable(name: String)

  public var description: String {
    switch self {
    case .nonFiniteLoss(let loss, let epoch, let batch, let lr):
      return "training stopped: the loss is \(loss) at epoch \(epoch), batch \(batch) (learning rate \(lr)). "
        + "This batch was not applied and checkpoints saved so far are intact; try a lower learning rate."
    case .emptyData(let which):
      return "the \(which) data has no batches"
    case .checkpointIO(let path, let reason):
      return "checkpoint \(path): \(reason)"
    case .csvIO(let path, let reason):
      return "CSV log \(path): \(reason)"
    case .eventFileIO(let path, let reason):
      return "TensorBoard event file \(path): \(reason)"
    case .checkpointMismatch(let path, let reason):
      return "checkpoint \(path) does not fit this learner: \(reason)"
    case .shardTooSmall(let processes):
      return "the training data has fewer batches than the \(processes) processes need (one each at least); use fewer processes"
    case .metricNotSummable(let name):
      return "metric \(name) cannot be combined over processes (it is not a SummableMetric); data-parallel validation needs one that is"
    }
  }
}
