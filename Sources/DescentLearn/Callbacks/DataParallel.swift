import DescentData
import DescentDistributed
import DescentNN
import DescentTensor

/// Data-parallel training over the processes of `mpirun` (fastai's `DistributedTrainer`,
/// with PyTorch DDP's semantics):
/// - at the start of a fit, every process takes rank 0's weights and buffers, and its own
///   shard of every epoch (`Shard`: training padded to equal length, validation not, so that
///   the processes together validate on every item exactly once);
/// - during backward, gradients are averaged over the processes in buckets of about
///   `bucketMegabytes`, in reverse parameter order; each bucket's non-blocking all-reduce
///   starts as soon as its gradients are final, so communication overlaps the rest of backward;
/// - each training loss is averaged over the processes (the smoothed loss and the NaN guard
///   see the whole global batch), and the validation loss and metrics are summed over them
///   before the Recorder writes the epoch's row.
///
/// `--bs` is per process, as in fastai: the global batch is `size` times it. Batch norm stays
/// local to each process unless the model's batch norms are synchronized (`syncBatchNorm`).
/// In a world of one (no mpirun) it does nothing.
public final class DataParallel: Callback {
  public let communicator: Communicator
  public let bucketMegabytes: Double
  /// Seconds spent waiting for all-reduces after backward (communication not hidden behind
  /// it), since the fit began.
  public private(set) var exposedCommunicationSeconds = 0.0

  private var originalData: (train: BatchSource, valid: BatchSource)?
  private var buckets: [GradientBucket] = []
  private var bucketOf: [ObjectIdentifier: (bucket: Int, offset: Int)] = [:]
  private var nextToStart = 0

  public init(_ communicator: Communicator = .world, bucketMegabytes: Double = 25) {
    self.communicator = communicator
    self.bucketMegabytes = bucketMegabytes
  }

  // First at the start of a fit, so that the schedules and counters (TrainEvalCallback, -10)
  // see the shard's batch count; before the NaN guard (-5), which must see the averaged loss;
  // and the validation sums before the Recorder (50) reads them.
  public override var order: Int { -15 }

  public override func beforeFit(_ learn: Learner) throws {
    guard communicator.isDistributed else { return }
    let rank = communicator.rank, size = communicator.size
    originalData = learn.data
    learn.data = (
      learn.data.train.sharded(Shard(rank: rank, count: size, padded: true)),
      learn.data.valid.sharded(Shard(rank: rank, count: size, padded: false))
    )
    guard learn.data.train.count > 0 else {
      throw LearnerError.shardTooSmall(processes: size)
    }
    for m in learn.metrics where !(m is SummableMetric) {
      throw LearnerError.metricNotSummable(name: m.name)
    }
    // Rank 0's weights and buffers (batch-norm statistics) everywhere.
    for (_, t) in learn.model.namedState() {
      communicator.broadcast(UnsafeMutableRawBufferPointer(start: t.pointer, count: t.count * 4))
    }
    makeBuckets(learn.model.parameters())
    learn.gradientReady = { [unowned self] p in self.ready(p) }
  }

  public override func afterFit(_ learn: Learner) throws { cleanUp(learn) }
  public override func afterCancelFit(_ learn: Learner) throws { cleanUp(learn) }

  private func cleanUp(_ learn: Learner) {
    guard let originalData else { return }
    learn.data = originalData
    self.originalData = nil
    learn.gradientReady = nil
  }

  public override func afterLoss(_ learn: Learner) throws {
    guard communicator.isDistributed, learn.training else { return }
    let mean = communicator.allReduceSum([Double(learn.lossValue)])[0] / Double(communicator.size)
    learn.lossValue = Float(mean)
  }

  public override func beforeBackward(_ learn: Learner) throws {
    guard communicator.isDistributed else { return }
    for b in buckets { b.filled = 0 }
    nextToStart = 0
  }

  /// Every bucket's reduction finished, its mean written back into each parameter's `grad`.
  public override func afterBackward(_ learn: Learner) throws {
    guard communicator.isDistributed else { return }
    // Parameters backward never reached (not used by this loss) count as zero gradients.
    for b in buckets where b.filled < b.parameters.count {
      for (p, offset) in zip(b.parameters, b.offsets) where !b.isFilled(p) { b.fill(p, at: offset) }
    }
    startFilledBuckets()
    let waitStarted = ContinuousClock.now
    for b in buckets { b.pending?.wait() }
    exposedCommunicationSeconds += (ContinuousClock.now - waitStarted).seconds
    let scale = 1 / Float(communicator.size)
    for b in buckets { b.writeBack(scale: scale) }
  }

  public override func afterValidate(_ learn: Learner) throws {
    guard communicator.isDistributed else { return }
    let metrics = ([learn.recorder.validLoss] + learn.metrics).compactMap { $0 as? SummableMetric }
    let sums = communicator.allReduceSum(metrics.flatMap(\.sums))
    var k = 0
    for m in metrics {
      let n = m.sums.count
      m.sums = Array(sums[k..<(k + n)])
      k += n
    }
  }

  /// Makes every batch norm of `model` compute its training statistics over the global batch
  /// (PyTorch's `SyncBatchNorm.convert_sync_batchnorm`): two small all-reduces per batch norm,
  /// one in forward and one in backward.
  public func synchronizeBatchNorm(_ model: Module) {
    guard communicator.isDistributed else { return }
    let communicator = self.communicator
    for case let bn as BatchNorm in model.namedModules().map(\.1) { bn.sync = { communicator.allReduceSum($0) } }
  }

  // MARK: Buckets

  private func makeBuckets(_ parameters: [Tensor]) {
    buckets = []
    bucketOf = [:]
    let limit = max(1, Int(bucketMegabytes * 1_048_576 / 4))
    var current: [Tensor] = []
    var size = 0
    // Reverse parameter order: roughly the order in which backward finishes gradients.
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

  private func ready(_ p: Tensor) {
    guard let (i, offset) = bucketOf[ObjectIdentifier(p)] else { return }
    if !buckets[i].isFilled(p) { buckets[i].fill(p, at: offset) }
    startFilledBuckets()
    // Open MPI advances a non-blocking collective only inside MPI calls.
    for b in buckets[..<nextToStart] { b.pending?.test() }
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
  private var filledSet: Set<ObjectIdentifier> = []
  var filled: Int {
    get { filledSet.count }
    set { precondition(newValue == 0); filledSet.removeAll(keepingCapacity: true) }
  }
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

  var isFull: Bool { filledSet.count == parameters.count }
  func isFilled(_ p: Tensor) -> Bool { filledSet.contains(ObjectIdentifier(p)) }

  /// Copies `p`'s gradient (zeros when it has none) into its place, at `offset`.
  func fill(_ p: Tensor, at offset: Int) {
    let dest = values.baseAddress! + offset
    if let g = p.grad {
      dest.update(from: g.pointer, count: p.count)
    } else {
      dest.update(repeating: 0, count: p.count)
    }
    filledSet.insert(ObjectIdentifier(p))
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

/// A metric whose value is a function of sums over items (a total and a count), so that the
/// processes of a data-parallel run can add their parts: the sums are all-reduced.
public protocol SummableMetric: Metric {
  var sums: [Double] { get set }
}

extension Duration {
  var seconds: Double {
    let (s, atto) = components
    return Double(s) + Double(atto) * 1e-18
  }
}
