/// Skips the epochs before `startEpoch` (fastai's `SkipToEpoch`), so that `fit(…, startEpoch:)`
/// resumes a run with its schedules where they were.
final class SkipToEpoch: Callback {
  let startEpoch: Int
  init(_ startEpoch: Int) { self.startEpoch = startEpoch }
  override var order: Int { 70 }

  override func beforeEpoch(_ learn: Learner) throws {
    if learn.epoch < startEpoch { throw CancelSignal.epoch }
  }
}
