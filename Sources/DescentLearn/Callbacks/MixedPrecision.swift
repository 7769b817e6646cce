import DescentTensor

/// fastai's `MixedPrecision` on a CPU (PyTorch's autocast with bfloat16): each batch's forward
/// pass and loss run with their convolutions at `precision` (`ComputePrecision`), and each
/// convolution's backward is asked for the same. `.mixed`, the default, runs a convolution pass
/// in bfloat16 only where bfloat16 times faster on this machine (not every CPU's bfloat16 is
/// faster than its float32); `.bfloat16` runs every pass in bfloat16, as autocast does.
/// Weights, gradients, the optimizer state and every other op stay float32; bfloat16 keeps
/// float32's exponent range, so there is no loss scaling. Validation batches run so too, as
/// under autocast. The setting is per thread (the training loop's).
public final class MixedPrecision: Callback {
  public let precision: ComputePrecision
  private var saved = ComputePrecision.float32

  public init(_ precision: ComputePrecision = .mixed) {
    self.precision = precision
    super.init()
  }

  // Before the non-finite-loss guard (-5), which may throw at afterLoss: the precision is
  // restored first.
  public override var order: Int { -20 }

  public override func beforeFit(_ learn: Learner) throws { saved = ComputePrecision.current }
  public override func beforeBatch(_ learn: Learner) throws { ComputePrecision.current = precision }
  public override func afterLoss(_ learn: Learner) throws { ComputePrecision.current = saved }
  // A batch cancelled (or failing) before its loss must not leave the process in bfloat16.
  public override func afterCancelBatch(_ learn: Learner) throws { ComputePrecision.current = saved }
  public override func afterBatch(_ learn: Learner) throws { ComputePrecision.current = saved }
  public override func afterCancelFit(_ learn: Learner) throws { ComputePrecision.current = saved }
  public override func afterFit(_ learn: Learner) throws { ComputePrecision.current = saved }
}
