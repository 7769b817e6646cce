/// Errors a caller can recover from. Shape mismatches inside ops are programming errors and stop
/// the process with a message naming the op and the shapes, as a failed precondition.
public enum TensorError: Error, CustomStringConvertible, Equatable {
  case backwardOnNonScalar(shape: [Int])
  case backwardWithoutGrad
  case graphFreed(op: String)
  case seedGradientShape(expected: [Int], got: [Int])

  public var description: String {
    switch self {
    case .backwardOnNonScalar(let shape):
      return "backward() on a tensor of shape \(shape) needs a seed gradient of that shape; only a one-element tensor can be differentiated without one"
    case .backwardWithoutGrad:
      return "backward() on a tensor that does not require grad: no parameter it depends on has requiresGrad set, or it was computed inside noGrad"
    case .graphFreed(let op):
      return "backward() through '\(op)' a second time: its saved buffers were freed after the first backward; pass retainGraph: true to the first call"
    case .seedGradientShape(let expected, let got):
      return "backward(): seed gradient has shape \(got) but the tensor has shape \(expected)"
    }
  }
}
