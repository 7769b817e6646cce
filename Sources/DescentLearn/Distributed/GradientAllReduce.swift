import DescentDistributed
import DescentTensor

/// Averages parameters' gradients over the processes as PyTorch DDP's reducer does: in buckets
/// of about `bucketMegabytes`, in reverse parameter order (roughly the order backward finishes
/// them); each bucket's non-blocking all-reduce starts as soon as its last gradient is final
/// (`ready`, from backward's hook), so that communication overlaps the rest of backward, and
/// `finish` waits for what is left.
public final class GradientAllReduce {
  public let communicator: Communicator
  private var buckets: [GradientBucket] = []
  private var bucketOf: [ObjectIdentifier: (bucket: Int, offset: Int)] = [:]
  private var nextToStart = 0

  public init(_ parameters: [Tensor], _ communicator: Communicator, bucketMegabytes: Double = 25) {
    self.communicator = communicator
    let limit = max(1, Int(bucketMegabytes * 1_048_576 / 4))
    var current: [Tensor] = []
    var size = 0
    for p in parameters.reversed() where p.requiresGrad {
      if size > 0 && size + p.count > limit {
        buckets.append(GradientBucket(current))
        current = []
        size = 0
      }
      current.append(p)
      size += p.count
    }
    if !current.isEmpty { buckets.append(GradientBucket(current)) }
    for (i, b) in buckets.enumerated() {
      for (p, offset) in zip(b.parameters, b.offsets) { bucketOf[ObjectIdentifier(p)] = (i, offset) }
    }
  }

  /// Before each backward.
  public func begin() {
    for b in buckets { b.clear() }
    nextToStart = 0
  }

  /// `p`'s gradient is final: copied into its bucket, which starts reducing when full.
  public func ready(_ p: Tensor) {
    guard let (i, offset) = bucketOf[ObjectIdentifier(p)] else { return }
    if !buckets[i].isFilled(p) { buckets[i].fill(p, at: offset) }
    startFilledBuckets()
    // Open MPI advances a non-blocking collective only inside MPI calls.
    for b in buckets[..<nextToStart] { b.pending?.test() }
  }

  /// After backward: every gradient set to its mean over the processes. Returns the seconds
  /// spent waiting for reductions (communication that backward did not hide).
  @discardableResult
  public func finish() -> Double {
    // Parameters backward never reached (not used by this loss) count as zero gradients.
    for b in buckets where !b.isFull {
      for (p, offset) in zip(b.parameters, b.offsets) where !b.isFilled(p) { b.fill(p, at: offset) }
    }
    startFilledBuckets()
    let waitStarted = Timing.now()
    for b in buckets { b.pending?.wait() }
    let waited = Timing.now() - waitStarted
    let scale = 1 / Float(communicator.size)
    for b in buckets { b.writeBack(scale: scale) }
    return waited
  }

  /// Starts the full buckets, in bucket order: every process must start its collectives in
  /// the same order.
  private func startFilledBuckets() {
    while nextToStart < buckets.count, buckets[nextToStart].isFull {
      buckets[nextToStart].pending = communicator.startAllReduceSum(buckets[nextToStart].values)
      nextToStart += 1
    }
  }
}

/// A contiguous buffer holding the gradients of a few parameters, reduced as one message.
final class GradientBucket {
  let parameters: [Tensor]
  let offsets: [Int]
  let values: UnsafeMutableBufferPointer<Float>
  private var filled: Set<ObjectIdentifier> = []
  var pending: PendingReduction?

  init(_ parameters: [Tensor]) {
    self.parameters = parameters
    var offsets: [Int] = []
    var n = 0
    for p in parameters {
      offsets.append(n)
      n += p.count
    }
    self.offsets = offsets
    values = .allocate(capacity: n)
  }

  deinit { values.deallocate() }

  var isFull: Bool { filled.count == parameters.count }
  func isFilled(_ p: Tensor) -> Bool { filled.contains(ObjectIdentifier(p)) }
  func clear() { filled.removeAll(keepingCapacity: true) }

  /// Copies `p`'s gradient (zeros when it has none) into its place, at `offset`.
  func fill(_ p: Tensor, at offset: Int) {
    let dest = values.baseAddress! + offset
    if let g = p.grad {
      dest.update(from: g.pointer, count: p.count)
    } else {
      dest.update(repeating: 0, count: p.count)
    }
    filled.insert(ObjectIdentifier(p))
  }

  /// Each parameter's `grad` set to its reduced sum times `scale`.
  func writeBack(scale: Float) {
    pending = nil
    for (p, offset) in zip(parameters, offsets) {
      if p.grad == nil { p.grad = Tensor.zeros(p.shape) }
      let g = p.grad!.pointer
      let src = values.baseAddress! + offset
      for i in 0..<p.count { g[i] = src[i] * scale }
    }
  }
}
