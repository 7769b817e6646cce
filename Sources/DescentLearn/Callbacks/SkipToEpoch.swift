/// Skips the epochs before `startEpoch` (fastai's `SkipToEpoch`) and the first `startBatch`
/// training batches of that epoch, so that `fit(…, startEpoch:, startBatch:)` resumes a run with
/// its schedules where they were. A skipped batch is cancelled before its forward pass (its
/// data is still drawn, which keeps the loader's order) and marked `skippingBatch`.
final class SkipToEpoch: Callback {
  let startEpoch: Int
  let startBatch: Int
  init(_ startEpoch: Int, batch: Int = 0) {
    self.startEpoch = startEpoch
    self.startBatch = batch
  }
  override var order: Int { 70 }

  override func beforeEpoch(_ learn: Learner) throws {
    if learn.epoch < startEpoch { throw CancelSignal.epoch }
  }

  override func beforeBatch(_ learn: Learner) throws {
    learn.skippingBatch = learn.training && learn.epoch == startEpoch && learn.iteration < startBatch
    if learn.skippingBatch { throw CancelSignal.batch }
  }

  override func afterFit(_ learn: Learner) throws { learn.skippingBatch = false }
  override func afterCancelFit(_ learn: Learner) throws { learn.skippingBatch = false }
}
