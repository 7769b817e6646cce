import Foundation

/// Runs a command found on PATH (through /usr/bin/env), for the one-off fetch of a built-in
/// dataset; nothing in training runs a subprocess.
enum Subprocess {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  /// Runs `arguments`, returning its standard output; throws with its standard error when it
  /// cannot start or exits non-zero. `stdout` given: output goes to that file instead.
  @discardableResult
  static func run(_ arguments: [String], stdout file: URL? = nil) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let errors = Pipe(), output = Pipe()
    process.standardError = errors
    if let file {
      _ = FileManager.default.createFile(atPath: file.path, contents: nil)
      process.standardOutput = try FileHandle(forWritingTo: file)
    } else {
      process.standardOutput = output
    }
    do {
      try process.run()
    } catch {
      throw Failure(description: "\(arguments[0]) could not start: \(error.localizedDescription)")
    }
    // Read before waiting, so a full pipe cannot block the child.
    let data = file == nil ? output.fileHandleForReading.readDataToEndOfFile() : Data()
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      let last = text.split(separator: "\n").suffix(3).joined(separator: " ")
      throw Failure(description: "`\(arguments.joined(separator: " "))` failed (exit \(process.terminationStatus))\(last.isEmpty ? "" : ": \(last)")")
    }
    return data
  }
}
