import ArgumentParser
import DescentData
import Foundation
import Synchronization

/// Every output a command will write (`--save`, `--plot`, `--csv`, `--json`, `--out`, `--tensorboard`) is checked
/// before any work starts, so that an hour of training is never lost to a path that cannot be
/// written: its folder is created and a file is made and removed in it. A failure is a usage
/// error naming the flag, the path and the reason. A file is also claimed for the run: a second
/// descent process writing the same path at the same time is refused before it trains.
enum OutputPaths {
  /// `path` will be written as a file.
  static func checkFile(_ path: String, flag: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw ValidationError("\(flag): cannot write \(path): it is a folder")
    }
    let folder = (path as NSString).deletingLastPathComponent
    try checkFolder(folder.isEmpty ? "." : folder, flag: flag, for: path)
    try claim(path, flag: flag)
  }

  /// The lock file for an output path: `locks/` in the data home, named by the FNV-1a hash of
  /// the absolute path; nil where that folder cannot be made.
  static func lockFile(for path: String) -> String? {
    let folder = descentDataHome().appendingPathComponent("locks").path
    guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil else { return nil }
    return (folder as NSString).appendingPathComponent(String(fnv1a(absolute(path).utf8), radix: 16) + ".lock")
  }

  static func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

  /// The lock file descriptors of the paths this process claimed, held until it exits (the
  /// kernel then releases them, however it ends).
  private static let claimed = Mutex<[String: Int32]>([:])

  /// Takes an exclusive `flock` for `path` (on the main process: it alone writes), in
  /// `locks/` beside the datasets so that no lock file lands beside a user's outputs. Where that
  /// folder cannot be made, nothing is locked.
  static func claim(_ path: String, flag: String) throws {
    guard ProcessGroup.isMain, let lockPath = lockFile(for: path) else { return }
    try claimed.withLock { held in
      guard held[lockPath] == nil else { return }
      let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
      guard fd >= 0 else { return }
      guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
        close(fd)
        throw ValidationError("\(flag): \(path) is being written by another descent run; wait for it to end or choose another path")
      }
      held[lockPath] = fd
    }
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
