import DescentDistributed
import Foundation

extension LRFindResult {
  /// Writes the finder's curve as a TensorBoard run in `runDirectory`: `lr_find/loss` (the
  /// smoothed loss) and `lr_find/lr` at step = the batch (from 1). TensorBoard plots scalars
  /// against steps only, so the loss-against-lr curve is read from the two side by side.
  /// Under mpirun, rank 0 alone writes.
  public func writeTensorBoard(runDirectory: String) throws {
    guard Communicator.world.isMain else { return }
    let writer = try EventFileWriter(runDirectory: runDirectory)
    let time = Date().timeIntervalSince1970
    for (i, (lr, loss)) in zip(lrs, losses).enumerated() {
      try writer.write(SummaryEvent(wallTime: time, step: Int64(i + 1), values: [
        .scalar("lr_find/loss", Float(loss)), .scalar("lr_find/lr", Float(lr)),
      ]))
    }
    try writer.close()
  }
}
