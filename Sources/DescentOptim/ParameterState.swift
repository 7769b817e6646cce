import DescentTensor

/// What the optimizer keeps for one parameter: named buffers (`grad_avg`, `sqr_avg` …), named
/// scalars (`step`, `local_lr` …) and the two flags fastai keeps through `clearState()`.
public final class ParameterState {
  public var buffers: [String: Tensor] = [:]
  public var scalars: [String: Double] = [:]
  /// Weight decay applies to this parameter (fastai's `do_wd`; false for batch-norm and biases
  /// when the model asks).
  public var doWD = true
  /// Stays trainable when its group is frozen (fastai's `force_train`, for batch norm).
  public var forceTrain = false

  public init() {}

  /// The buffer `name`, created zero-filled (padding included) with `like`'s shape when absent,
  /// as fastai's `torch.zeros_like(p.grad)` on the first step.
  public func buffer(_ name: String, like: Tensor) -> Tensor {
    if let b = buffers[name] { return b }
    let b = Tensor(uninitializedShape: like.shape)
    b.pointer.update(repeating: 0, count: b.storage.paddedCount)
    buffers[name] = b
    return b
  }

  /// Drops everything but the two flags (fastai's `clear_state`).
  public func clear() {
    buffers = [:]
    scalars = [:]
  }
}
