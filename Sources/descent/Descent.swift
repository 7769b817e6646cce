import ArgumentParser
import DescentTensor
import Foundation

@main
struct Descent: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "descent",
    abstract: "Train image classifiers and compare optimizers, fastai-style, in Swift.",
    subcommands: [Train.self, LRFindCommand.self, Compare.self, Predict.self, Interpret.self, DataCommand.self, Bench.self])

  /// Usage errors (a bad flag or value) print one line and exit with code 2, as most Unix tools
  /// do, rather than ArgumentParser's 64; other errors print one line too and keep their codes.
  static func main() {
    TemporaryFiles.removeOnInterrupt()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      // Help and version requests print as ArgumentParser prints them.
      if code == .success { exit(withError: error) }
      // One line naming the file, flag or value at fault (no usage dump), ending in a newline
      // (ArgumentParser leaves it off for errors thrown by `run`).
      FileHandle.standardError.write(Data(("Error: " + message(for: error) + "\n").utf8))
      Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
    }
  }
}
