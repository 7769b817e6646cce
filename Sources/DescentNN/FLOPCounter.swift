import DescentTensor

/// Counts the floating-point operations of a model's forward pass (2 per multiply-add of its
/// convolutions and linear layers, the convention behind published ResNet GFLOP figures;
/// elementwise ops, batch norm and pooling are left out). Task-local, so counting never
/// affects another thread's forward pass.
public enum FLOPCounter {
  final class Total: @unchecked Sendable {
    // Only the task that runs `count` writes it, from its own forward pass.
    var flops = 0
  }

  @TaskLocal static var current: Total?

  /// FLOPs of `body` (typically one forward pass under `noGrad`).
  public static func count(_ body: () -> Void) -> Int {
    let total = Total()
    $current.withValue(total, operation: body)
    return total.flops
  }

  static func add(_ flops: Int) { current?.flops += flops }

  /// FLOPs of `model`'s forward pass per image of `channels`×`height`×`width`.
  public static func forwardFLOPsPerImage(_ model: Module, channels: Int = 3, height: Int, width: Int) -> Int {
    let wasTraining = model.training
    model.eval()
    defer { model.train(wasTraining) }
    return count { _ = noGrad { model(Tensor.zeros([1, channels, height, width])) } }
  }
}
