// Whole-file reads and atomic whole-file writes over POSIX calls, with errors that name the path.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

enum FileIO {
  private static func failure(_ path: String, _ operation: String, _ code: Int32)
    -> SafetensorsError
  {
    .io(path: path, operation: operation, message: String(cString: strerror(code)))
  }

  /// The whole contents of the file at `path`.
  static func readAll(path: String) throws(SafetensorsError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      let code = errno
      if code == ENOENT { throw .fileNotFound(path: path) }
      throw failure(path, "open", code)
    }
    defer { close(fd) }
    var info = stat()
    if fstat(fd, &info) != 0 { throw failure(path, "stat", errno) }
    let capacity = Int(info.st_size)

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
    let temporary =
      (slash == nil ? "" : folder == "/" ? "/" : folder + "/")
      + ".\(base).\(getpid()).\(suffix).tmp"

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
      if rename(temporary, path) != 0 { throw failure(path, "rename", errno) }
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
}
