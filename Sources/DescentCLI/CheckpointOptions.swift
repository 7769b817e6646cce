import ArgumentParser
import Foundation

/// `--checkpoint DIR` and `--resume DIR` (train and compare): each run is checkpointed at the
/// end of every epoch into DIR, and a killed run continues from its last complete epoch.
struct CheckpointOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "Folder for each run's checkpoint, written atomically at the end of every epoch: model, optimizer, schedule position, random state, the table so far. --resume DIR continues from it.",
    valueName: "dir"))
  var checkpoint: String?

  @Option(help: ArgumentHelp(
    "Continue the runs checkpointed in DIR from their last complete epoch, ending with the weights the uninterrupted run would have, bit for bit: the same arguments, --threads and number of processes are needed (a difference is refused, naming it). Checkpointing goes on into DIR.",
    valueName: "dir"))
  var resume: String?

  /// Where checkpoints are read and written.
  var folder: String? { resume ?? checkpoint }

  func validate() throws {
    if let checkpoint, let resume, checkpoint != resume {
      throw ValidationError("--resume \(resume) keeps checkpointing into its own folder: give --checkpoint the same folder, or leave it out")
    }
    // Under mpirun the folder is the first process's: the others' hosts get its files from it.
    if let resume, ProcessGroup.isMain {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: resume, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw ValidationError("--resume: no such folder: \(resume)")
      }
    }
  }
}
