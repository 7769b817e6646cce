import ArgumentParser
import Foundation

@main
struct Descent: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "descent",
    abstract: "Train image classifiers and compare optimizers, fastai-style, in Swift.",
    subcommands: [Train.self, LRFindCommand.self, Compare.self, Predict.self, Interpret.self, DataCommand.self, Bench.self])

  /// Usage errors (a bad flag or value) print one line and exit with code 2, as most Unix tools
  /// do, rather than ArgumentParser's 64; help and other errors keep their codes.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      if code == .validationFailure {
        // One line naming the flag or value at fault (no usage dump).
        FileHandle.standardError.write(Data(("Error: " + message(for: error) + "\n").utf8))
        Foundation.exit(2)
      }
      exit(withError: error)
    }
  }
}
