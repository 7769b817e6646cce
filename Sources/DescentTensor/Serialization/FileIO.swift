// Whole-file reads and atomic whole-file writes over POSIX calls, with errors that name the path.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

import Dispatch
import Synchronization

enum FileIO {
  private static func failure(_ path: String, _ operation: String, _ code: Int32)
    -> SafetensorsError
  {
    .io(path: path, operation: operation, message: String(cString: strerror(code)))
  }

  /// The whole contents of the file at `path`, or its first `limit` bytes.
  static func readAll(path: String, limit: Int? = nil) throws(SafetensorsError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      let code = errno
      if code == ENOENT { throw .fileNotFound(path: path) }
      throw failure(path, "open", code)
    }
    defer { close(fd) }
    var info = stat()
    if fstat(fd, &info) != 0 { throw failure(path, "stat", errno) }
    let capacity = min(Int(info.st_size), limit ?? .max)

    var readError: Int32 = 0
    var bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
      count = 0
      while count < capacity {
        let got = read(fd, buffer.baseAddress! + count, capacity - count)
        if got < 0 {
          if errno == EINTR { continue }
          readError = errno
          return
        }
        if got == 0 { break }  // the file shrank
        count += got
      }
    }
    if readError != 0 { throw failure(path, "read", readError) }
    if let limit, bytes.count >= limit { return bytes }
    // A file that grew since fstat (or one that reports size 0, like those in /proc): read the rest.
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
      if got < 0 {
        if errno == EINTR { continue }
        throw failure(path, "read", errno)
      }
      if got == 0 { break }
      bytes.append(contentsOf: chunk[0..<got])
    }
    return bytes
  }

  /// Writes `bytes` to a new temporary file next to `path`, flushes it to disk, and renames it over
  /// `path`. On any failure the temporary file is removed and `path` is untouched.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(SafetensorsError) {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    let prefix = slash == nil ? "" : folder == "/" ? "/" : folder + "/"
    let temporary = prefix + ".\(base).\(getpid()).\(suffix).tmp"
    removeStaleTemporaries(of: base, in: folder, prefix: prefix)

    TemporaryFiles.inProgress.withLock { _ = $0.insert(temporary) }
    defer { TemporaryFiles.inProgress.withLock { _ = $0.remove(temporary) } }
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    if fd < 0 { throw failure(path, "create temporary file \(temporary)", errno) }
    var isOpen = true
    do throws(SafetensorsError) {
      var written = 0
      while written < bytes.count {
        let got = bytes.withUnsafeBytes {
          write(fd, $0.baseAddress! + written, bytes.count - written)
        }
        if got < 0 {
          if errno == EINTR { continue }
          throw failure(path, "write", errno)
        }
        written += got
      }
      if fsync(fd) != 0 { throw failure(path, "fsync", errno) }
      isOpen = false
      if close(fd) != 0 { throw failure(path, "close", errno) }
      // Renamed under the lock an interrupt takes to remove the temporaries and end the
      // process: an interrupted write is never renamed into place, nor reports a failure.
      let renamed = TemporaryFiles.inProgress.withLock { _ in rename(temporary, path) == 0 ? 0 : errno }
      if renamed != 0 { throw failure(path, "rename", renamed) }
    } catch {
      if isOpen { close(fd) }
      unlink(temporary)
      throw error
    }
    // Make the rename itself durable; the file is already complete, so a failure here is ignored.
    let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dir >= 0 {
      _ = fsync(dir)
      close(dir)
    }
  }

  /// Removes `.BASE.PID.HEX.tmp` files in `folder` left by a writer of the same file that is no
  /// longer running (killed mid-write); a live writer's file is left alone.
  private static func removeStaleTemporaries(of base: String, in folder: String, prefix: String) {
    guard let dir = opendir(folder) else { return }
    defer { closedir(dir) }
    let start = ".\(base).", me = getpid()
    while let entry = readdir(dir) {
      // The name is read in place, up to its NUL: a dirent record may be shorter than the
      // struct's 256-byte name field, so copying the field would read past it.
      let name = String(cString: (UnsafeRawPointer(entry) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!)
        .assumingMemoryBound(to: CChar.self))
      guard name.hasPrefix(start), name.hasSuffix(".tmp") else { continue }
      let parts = name.dropFirst(start.count).dropLast(4).split(separator: ".")
      guard parts.count == 2, let pid = pid_t(parts[0]), pid != me else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH { unlink(prefix + name) }
    }
  }
}

/// Reading a whole file with POSIX calls (Foundation's `Data(contentsOf:)` leaks a buffer on
/// an empty file, which AddressSanitizer's leak check reports). Errors name the path.
public enum WholeFile {
  /// The file's bytes; a missing file throws `SafetensorsError.fileNotFound`, another failure
  /// `.io` with the failing call and the system's message.
  public static func read(_ path: String) throws(SafetensorsError) -> [UInt8] {
    try FileIO.readAll(path: path)
  }
}

/// Writing a whole file atomically: a temporary file beside it, flushed, then renamed over it,
/// so a reader never sees half a file; an interrupted write leaves no temporary behind (see
/// `TemporaryFiles`). Errors name the path.
public enum AtomicFile {
  public static func write(_ bytes: [UInt8], to path: String) throws {
    try FileIO.writeAtomically(bytes, to: path)
  }
}

/// Temporary files that atomic writes have open, so that an interrupted process can remove them.
public enum TemporaryFiles {
  static let inProgress = Locked<Set<String>>([])

  /// Makes SIGINT and SIGTERM remove the temporary files of writes in progress before the
  /// process ends as the signal would end it (a model save interrupted by Ctrl-C leaves no
  /// hidden half-written file). For programs, not libraries: it takes over both signals.
  public static func removeOnInterrupt() {
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        // A program that stops at a safe point takes the first signal as a request.
        if stopsAtSafePoint.load(ordering: .relaxed),
           stopRequested.compareExchange(expected: 0, desired: signalNumber, ordering: .relaxed).exchanged { return }
        // The lock stays held until the signal ends the process, so that no write renames
        // its temporary into place (or reports the unlinked file as a failure) meanwhile. The
        // signal goes to the process, not this thread: dispatch's threads block signals.
        inProgress.withLock { paths in
          for path in paths { unlink(path) }
          signal(signalNumber, SIG_DFL)
          kill(getpid(), signalNumber)
          while true { pause() }
        }
      }
      source.resume()
      sources.append(source)
    }
  }

  /// When set, the first SIGINT or SIGTERM only records itself in `stopRequested`, for a program
  /// that stops at a safe point of its own (a checkpoint after the batch); a second one ends the
  /// process as usual.
  public static let stopsAtSafePoint = Atomic<Bool>(false)
  /// The signal that asked the program to stop at its next safe point; 0 when none has.
  public static let stopRequested = Atomic<Int32>(0)

  /// The signal sources, kept alive for the life of the process. Written only by
  /// `removeOnInterrupt`, which a program calls once at start-up, before any other thread runs.
  nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
}
