import Glibc
import Synchronization

/// The kinds of work a training step's time is split into by `Profiler`, as torch.profiler's
/// key_averages groups it by op.
public enum OpKind: Int, CaseIterable, Sendable {
  case convForward, convBackwardData, convBackwardWeights, reorder, batchNorm, relu, pooling, add, linear, loss
  case optimizer, gradientAccumulation

  public var name: String {
    switch self {
    case .convForward: return "conv forward"
    case .convBackwardData: return "conv backward data"
    case .convBackwardWeights: return "conv backward weights"
    case .reorder: return "reorders"
    case .batchNorm: return "batch norm"
    case .relu: return "relu"
    case .pooling: return "pooling"
    case .add: return "adds"
    case .linear: return "linear (matmul)"
    case .loss: return "loss"
    case .optimizer: return "optimizer"
    case .gradientAccumulation: return "gradient accumulation"
    }
  }

  /// The kind of a taped op's backward, by the op's name (nil: not one of the kinds).
  static func ofBackward(_ op: String) -> OpKind? {
    switch op {
    case "batchNorm": return .batchNorm
    case "relu": return .relu
    case "maxPool2d", "avgPool2d", "adaptiveAvgPool2d", "adaptiveMaxPool2d": return .pooling
    case "add", "addReLU": return .add
    case "matmul": return .linear
    case "crossEntropy": return .loss
    default: return nil
    }
  }
}

/// Where a training step's time goes, by `OpKind`: the ops of the forward, their backwards and
/// the optimizer step time themselves while profiling is on, each counting its own time only
/// (a convolution's reorders count as reorders, not as the convolution). Off, a measured op
/// costs one atomic load. It profiles the ops of the thread that started it — the training
/// loop's (kernels' worker threads run inside the ops it times); other threads' ops, such as
/// another test's, are not counted.
public enum Profiler {
  private static let on = Atomic<Bool>(false)
  /// The profiled thread (`pthread_t` as an integer), valid while `on`.
  private static let thread = Atomic<UInt>(0)

  private struct State {
    var seconds = [Double](repeating: 0, count: OpKind.allCases.count)
    var calls = [Int](repeating: 0, count: OpKind.allCases.count)
    var flops = [Double](repeating: 0, count: OpKind.allCases.count)
    /// Per open measurement, the time its nested measurements took.
    var nested: [Double] = []
  }

  private static let state = Locked(State())

  /// Whether ops on this thread are being measured.
  public static var isEnabled: Bool { on.load(ordering: .relaxed) && thread.load(ordering: .relaxed) == pthread_self() }

  /// Clears the totals and starts measuring the calling thread's ops.
  public static func start() {
    state.withLock { $0 = State() }
    thread.store(pthread_self(), ordering: .relaxed)
    on.store(true, ordering: .relaxed)
  }

  /// Stops measuring and returns the seconds, calls and floating-point operations of each kind
  /// since `start` (FLOPs are counted for the convolutions, 0 for the other kinds).
  public static func stop() -> [(kind: OpKind, seconds: Double, calls: Int, flops: Double)] {
    on.store(false, ordering: .relaxed)
    return state.withLock { s in
      OpKind.allCases.map { ($0, s.seconds[$0.rawValue], s.calls[$0.rawValue], s.flops[$0.rawValue]) }
    }
  }

  /// Runs `body`, adding its time less that of the measurements inside it to `kind`, and
  /// `flops` (the work it does, for GFLOP/s beside the time) to the kind's count.
  @inline(__always)
  public static func measure<R>(_ kind: OpKind, flops: Double = 0, _ body: () throws -> R) rethrows -> R {
    guard isEnabled else { return try body() }
    state.withLock { $0.nested.append(0) }
    let start = Timing.now()
    defer {
      let elapsed = Timing.now() - start
      state.withLock { s in
        let inner = s.nested.removeLast()
        s.seconds[kind.rawValue] += elapsed - inner
        s.calls[kind.rawValue] += 1
        s.flops[kind.rawValue] += flops
        if !s.nested.isEmpty { s.nested[s.nested.count - 1] += elapsed }
      }
    }
    return try body()
  }
}
