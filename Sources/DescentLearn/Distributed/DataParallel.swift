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
  private var originalLogger: ((String) -> Void)?
  private var gradients: GradientAllReduce?

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
    // Rank 0 alone prints the table (and writes checkpoints and CSV: `save`, the Recorder).
    originalLogger = learn.logger
    if !communicator.isMain { learn.logger = nil }
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
    let gradients = GradientAllReduce(learn.model.parameters(), communicator, bucketMegabytes: bucketMegabytes)
    self.gradients = gradients
    learn.gradientReady = { p in gradients.ready(p) }
  }

  public override func afterFit(_ learn: Learner) throws { cleanUp(learn) }
  public override func afterCancelFit(_ learn: Learner) throws { cleanUp(learn) }

  private func cleanUp(_ learn: Learner) {
    guard let originalData else { return }
    learn.data = originalData
    self.originalData = nil
    learn.logger = originalLogger
    learn.gradientReady = nil
    gradients = nil
  }

  public override func afterLoss(_ learn: Learner) throws {
    guard communicator.isDistributed, learn.training else { return }
    let mean = communicator.allReduceSum([Double(learn.lossValue)])[0] / Double(communicator.size)
    learn.lossValue = Float(mean)
  }

  public override func beforeBackward(_ learn: Learner) throws { gradients?.begin() }

  /// Every gradient averaged over the processes.
  public override func afterBackward(_ learn: Learner) throws {
    if let gradients { exposedCommunicationSeconds += gradients.finish() }
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
}

/// A metric whose value is a function of sums over items (a total and a count), so that the
/// processes of a data-parallel run can add their parts: the sums are all-reduced.
public protocol SummableMetric: Metric {
  var sums: [Double] { get set }
}
