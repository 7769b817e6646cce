import DescentTensor
import Foundation

/// A run with `--checkpoint` stopped by SIGINT or SIGTERM at the end of a batch (or an epoch),
/// its checkpoint written there: the command ends as the signal would (exit 128 + signal), saying
/// how to go on.
struct StopAtCheckpoint: Error, CustomStringConvertible {
  let signal: Int32
  let path: String
  let epoch: Int
  let batch: Int

  var description: String {
    let place = batch > 0 ? "batch \(batch) of epoch \(epoch)" : "epoch \(epoch - 1)"
    let folder = (path as NSString).deletingLastPathComponent
    return "stopped by \(signal == SIGINT ? "SIGINT" : "SIGTERM") after \(place): checkpoint \(path); the same command with --resume \(folder.isEmpty ? "." : folder) goes on"
  }

  /// The signal that asked to stop, once every process has seen one (under mpirun they agree on
  /// it, so that all stop after the same batch); nil while none has.
  static func requested() -> Int32? {
    let own = TemporaryFiles.stopRequested.load(ordering: .relaxed)
    let world = ProcessGroup.world
    let signal = world.usesMPI ? Int32(world.allReduceMax([Double(own)])[0]) : own
    return signal != 0 ? signal : nil
  }
}
