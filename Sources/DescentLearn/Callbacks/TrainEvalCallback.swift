/// Keeps the loop's counters and the model's mode (fastai's `TrainEvalCallback`): the
/// fraction of training done, which the schedules read, advances after each training batch.
final class TrainEvalCallback: Callback {
  override var order: Int { -10 }
  override var runValid: Bool { false }

  override func beforeFit(_ learn: Learner) throws {
    learn.epoch = 0
    learn.lossValue = 0
    learn.trainIteration = 0
    learn.pctTrain = 0
  }

  override func beforeTrain(_ learn: Learner) throws {
    // Set from the epoch, so that a run resumed at a later epoch starts its schedules there, and
    // counts its batches (TensorBoard's steps) from the epochs it skipped.
    learn.pctTrain = Double(learn.epoch) / Double(learn.epochCount)
    learn.trainIteration = max(learn.trainIteration, learn.epoch * learn.data.train.count)
    learn.model.train()
    learn.training = true
  }

  override func afterBatch(_ learn: Learner) throws {
    learn.pctTrain += 1 / Double(learn.batchCount * learn.epochCount)
    learn.trainIteration += 1
  }

  override func beforeValidate(_ learn: Learner) throws {
    learn.model.eval()
    learn.training = false
  }
}
