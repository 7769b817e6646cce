import ArgumentParser
import Foundation

/// Every output a command will write (`--save`, `--plot`, `--csv`, `--json`, `--out`, `--tensorboard`) is checked
/// before any work starts, so that an hour of training is never lost to a path that cannot be
/// written: its folder is created and a file is made and removed in it. A failure is a usage
/// error naming the flag, the path and the reason.
enum OutputPaths {
  /// `path` will be written as a file.
  static func checkFile(_ path: String, flag: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw ValidationError("\(flag): cannot write \(path): it is a folder")
    }
    let folder = (path as NSString).deletingLastPathComponent
    try checkFolder(folder.isEmpty ? "." : folder, flag: flag, for: path)
  }

  /// Files will be written into the folder `path`.
  static func checkFolder(_ path: String, flag: String, for target: String? = nil) throws {
    let target = target ?? path
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw ValidationError("\(flag): cannot write \(target): cannot make the folder \(path): \(reason(path, error))")
    }
    let probe = (path as NSString).appendingPathComponent(".descent-write-check-\(ProcessInfo.processInfo.processIdentifier)")
    guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
      throw ValidationError("\(flag): cannot write \(target): the folder \(path) is not writable")
    }
    try? FileManager.default.removeItem(atPath: probe)
  }

  /// Why `folder` cannot be made, in plain words: the deepest part of it that exists is a file,
  /// or a folder this process may not write in (Foundation's own error says only "error 512").
  private static func reason(_ folder: String, _ error: Error) -> String {
    var existing = folder
    while !FileManager.default.fileExists(atPath: existing) {
      let parent = (existing as NSString).deletingLastPathComponent
      if parent == existing || parent.isEmpty { break }
      existing = parent
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: existing, isDirectory: &isDirectory) {
      if !isDirectory.boolValue { return "\(existing) is a file" }
      if !FileManager.default.isWritableFile(atPath: existing) { return "\(existing) is not writable" }
    }
    return (error as NSError).localizedFailureReason ?? "\(error)"
  }
}
