/// Saves a checkpoint at the end of every epoch that trained (after the Recorder's row), as
/// `name`, overwritten each time, or `name_<epoch>` when `keepEach`. Since a failed epoch
/// throws before its `afterEpoch`, the file on disk is always the last good epoch's.
public final class SaveCheckpoint: Callback {
  public let checkpointName: String
  public let keepEach: Bool
  private var trained = false

  public init(_ name: String = "model", keepEach: Bool = false) {
    checkpointName = name
    self.keepEach = keepEach
  }

  public override var order: Int { 60 }

  public override func beforeEpoch(_ learn: Learner) throws { trained = false }
  public override func afterTrain(_ learn: Learner) throws { trained = true }

  public override func afterEpoch(_ learn: Learner) throws {
    guard trained else { return }
    let name = keepEach ? "\(checkpointName)_\(learn.epoch)" : checkpointName
    try learn.save(name, epochsDone: learn.epoch + 1)
  }
}
