import ArgumentParser
import DescentTensor
import Foundation

/// `--json`, the same on every command that prints results: alone (or `--json -`) the results
/// are one JSON object on standard output, and everything else the command prints (tables,
/// progress) goes to standard error, so that `descent train --json | jq` reads one document;
/// `--json FILE` writes the object to FILE (atomically) and leaves the tables on standard output.
struct JSONOutput: ParsableArguments {
  @Option(name: .customLong("json"), help: ArgumentHelp(
    "Also give the results as one JSON object: --json alone prints it on standard output (the tables then go to standard error); --json FILE writes it to FILE.",
    valueName: "file"))
  var destination: String?

  var isRequested: Bool { destination != nil }
  var toStandardOutput: Bool { destination == "-" }

  func validate() throws {
    if let destination, destination != "-" { try OutputPaths.checkFile(destination, flag: "--json") }
  }

  /// For a command that prints tables as it goes: with `--json` alone, from here on standard
  /// output is standard error, and the JSON goes to the real standard output. Call first.
  func routeTablesToStandardError() {
    guard toStandardOutput, JSONOutput.standardOutput == nil else { return }
    fflush(nil)
    JSONOutput.standardOutput = dup(STDOUT_FILENO)
    dup2(STDERR_FILENO, STDOUT_FILENO)
  }

  /// Writes `object` where `--json` says (on the main process only, under mpirun).
  func write(_ object: Any) throws {
    guard let destination, ProcessGroup.isMain else { return }
    let bytes = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    if destination == "-" {
      fflush(nil)
      let handle = JSONOutput.standardOutput.map { FileHandle(fileDescriptor: $0) } ?? FileHandle.standardOutput
      handle.write(bytes + Data("\n".utf8))
    } else {
      try TrainingOptions.writeOutput(bytes, to: destination)
    }
  }

  /// The real standard output, once `routeTablesToStandardError` has moved it. Set once, on the
  /// main thread, before any other thread runs (the first thing a command's `run` does).
  nonisolated(unsafe) static var standardOutput: Int32?
}
