import DescentTensor

/// fastai's `MixedPrecision` on a CPU (PyTorch's autocast with bfloat16): each batch's forward
/// pass and loss run their convolutions in bfloat16 (`ComputePrecision`), and each
/// convolution's backward runs in the precision its forward used. Weights, gradients, the
/// optimizer state and every other op stay float32; bfloat16 keeps float32's exponent range,
/// so there is no loss scaling. Validation batches run in bfloat16 too, as under autocast.
/// The setting is per thread (the training loop's).
public final class MixedPrecision: Callback {
  private var saved = ComputePrecision.float32

  public override init() { super.init() }

  // Before the non-finite-loss guard (-5), which may throw at afterLoss: the precision is
  // restored first.
  public override var order: Int { -20 }

  public override func beforeFit(_ learn: Learner) throws { saved = ComputePrecision.current }
  public override func beforeBatch(_ learn: Learner) throws { ComputePrecision.current = .bfloat16 }
  public override func afterLoss(_ learn: Learner) throws { ComputePrecision.current = saved }
  // A batch cancelled (or failing) before its loss must not leave the process in bfloat16.
  public override func afterCancelBatch(_ learn: Learner) throws { ComputePrecision.current = saved }
  public override func afterBatch(_ learn: Learner) throws { ComputePrecision.current = saved }
  public override func afterCancelFit(_ learn: Learner) throws { ComputePrecision.current = saved }
  public override func afterFit(_ learn: Learner) throws { ComputePrecision.current = saved }
}
