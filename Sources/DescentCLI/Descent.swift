import ArgumentParser
import DescentDistributed
import DescentTensor
import Foundation

/// The `descent` command and its subcommands. A program of one's own runs the same commands
/// with its own optimizers: `OptimizerCatalog.register(…)`, then `Descent.main()` (see
/// Examples/CustomOptimizer).
public struct Descent: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "descent",
    abstract: "Train image classifiers and compare optimizers, fastai-style, in Swift.",
    subcommands: [Train.self, LRFindCommand.self, Compare.self, Predict.self, Interpret.self, DataCommand.self, Bench.self,
                  OptimizersCommand.self])

  /// Usage errors (a bad flag or value) print one line and exit with code 2, as most Unix tools
  /// do, rather than ArgumentParser's 64; other errors print one line too and keep their codes.
  public init() {}

  public static func main() {
    TemporaryFiles.removeOnInterrupt()
    do {
      let arguments = Array(CommandLine.arguments.dropFirst())
      if let unknown = CommandLineVocabulary.unknownSubcommand(arguments, root: Self.self) { throw ValidationError(unknown) }
      var command = try parseAsRoot(CommandLineVocabulary.normalized(arguments, root: Self.self))
      try ProcessGroup.checkSameArguments()
      try command.run()
    } catch let stop as StopAtCheckpoint {
      sayOnStandardError(stop.description)
      Foundation.exit(128 + stop.signal)
    } catch {
      let code = exitCode(for: error)
      // Help and version requests print as ArgumentParser prints them.
      if code == .success { exit(withError: error) }
      // One line naming the file, flag or value at fault (no usage dump), ending in a newline
      // (ArgumentParser leaves it off for errors thrown by `run`).
      let world = Communicator.launchedByMPI ? Communicator.world : nil
      let status = code == .validationFailure ? 2 : code.rawValue
      guard let world, world.isDistributed else {
        FileHandle.standardError.write(Data(("Error: " + message(for: error) + "\n").utf8))
        Foundation.exit(status)
      }
      // Under mpirun: a usage error is the same on every process, so rank 0 says it; any other
      // is said by the process it happened in. MPI_Abort then stops every process.
      if code != .validationFailure || world.isMain {
        FileHandle.standardError.write(Data(("Error (rank \(world.rank) of \(world.size)): " + message(for: error) + "\n").utf8))
      }
      world.abort(code: status)
    }
  }
}
