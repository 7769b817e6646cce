import CDNNL
import Glibc
import Foundation

/// `.auto`'s timed choices kept in a file across processes, like FFTW's wisdom: the first run on
/// a machine times each convolution and writes down the winner, later runs read it back instead
/// of timing again. Timing alone would let two runs of the same seed pick different algorithms,
/// which round differently, and a deep network trained for a few epochs turns that into
/// different results; with the file, a rerun on the same machine is identical.
///
/// The file is text, one choice a line, tab-separated:
///   machine  direction  geometry  algorithm
/// where direction is suffixed `@nChw16c` for a convolution on blocked activations and
/// `@mixed` for mixed precision's choice of precision (algorithm `bf16`, or a float32 one), and
/// machine names the CPU model, the thread count and the oneDNN version (a choice timed
/// under other conditions is kept for them but not used), and geometry is the 14 integers of
/// `Conv2dGeometry` joined by commas. Lines for other machines are written back unchanged.
///
/// Several processes may share the file (two first runs at once): each write takes an exclusive
/// lock on `FILE.lock`, reads the file as it is now, merges its own choices in and replaces the
/// file atomically, so no process's entries are lost.
enum ConvolutionChoiceFile {
  struct Entry: Equatable {
    var machine: String
    var key: ConvolutionAlgorithmCache.Key
    var algorithm: ConvolutionAlgorithm
  }

  enum FormatError: Error, CustomStringConvertible, Equatable {
    case malformedLine(path: String, line: Int, reason: String)

    var description: String {
      switch self {
      case .malformedLine(let path, let line, let reason): return "\(path):\(line): \(reason)"
      }
    }
  }

  /// Where the choices of this process are written.
  struct Store {
    let path: String
    let machine: String
    let onWriteError: @Sendable (any Error) -> Void
  }

  static let store = Locked<Store?>(nil)

  /// The machine this process runs on, as a choice depends on it, and the candidates `.auto`
  /// times: a choice made before a new candidate existed (`candidates 2`: `smallMap`;
  /// `candidates 3`: `winograd2x2`; `candidates 4`: `smallMap`'s weight gradient on strided
  /// maps) is timed again.
  static var currentMachine: String {
    let version = dnnl_version().pointee
    return "\(cpuModel()); threads \(Parallel.threads); oneDNN \(version.major).\(version.minor).\(version.patch); candidates 4"
  }

  private static func cpuModel() -> String {
    guard let bytes = try? FileIO.readAll(path: "/proc/cpuinfo") else { return "unknown CPU" }
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("model name") {
      if let colon = line.firstIndex(of: ":") {
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
          .replacingOccurrences(of: "\t", with: " ")
      }
    }
    return "unknown CPU"
  }

  // MARK: Format

  static func parse(_ text: String, path: String) throws(FormatError) -> [Entry] {
    var entries: [Entry] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if line.isEmpty || line.hasPrefix("#") { continue }
      let fail = { (reason: String) in FormatError.malformedLine(path: path, line: index + 1, reason: reason) }
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard fields.count == 4 else { throw fail("expected 4 tab-separated fields, found \(fields.count)") }
      // "forward" for plain activations, "forward@nChw16c" for blocked ones, and "@mixed" after
      // either for mixed precision's choice.
      let directionParts = fields[1].split(separator: "@", omittingEmptySubsequences: false)
      let flags = Array(directionParts.dropFirst())
      guard let direction = ConvolutionDirection(rawValue: String(directionParts[0])),
        flags.allSatisfy({ $0 == Self.blockedSuffix || $0 == Self.mixedSuffix }), Set(flags).count == flags.count
      else {
        throw fail("unknown direction '\(fields[1])'")
      }
      let mixed = flags.contains(Substring(Self.mixedSuffix))
      let numbers = fields[2].split(separator: ",").compactMap { Int($0) }
      guard numbers.count == 14, numbers.allSatisfy({ $0 >= 0 }) else {
        throw fail("geometry '\(fields[2])' is not 14 non-negative integers")
      }
      guard let geometry = Conv2dGeometry(fields: numbers) else {
        throw fail("geometry '\(fields[2])' is not a valid convolution")
      }
      // bf16 is mixed precision's choice alone.
      let algorithms = mixed ? ConvolutionAlgorithm.allCases + [.bf16] : ConvolutionAlgorithm.allCases
      guard let algorithm = algorithms.first(where: { "\($0)" == fields[3] }), algorithm != .auto
      else {
        throw fail("unknown algorithm '\(fields[3])'")
      }
      let key = ConvolutionAlgorithmCache.Key(
        geometry: geometry, direction: direction, blocked: flags.contains(Substring(Self.blockedSuffix)), mixed: mixed)
      entries.append(Entry(machine: String(fields[0]), key: key, algorithm: algorithm))
    }
    return entries
  }

  static func format(_ entries: [Entry]) -> String {
    "# Convolution algorithms chosen by timing (descent --conv auto); delete to time again.\n"
      + "# machine\tdirection\tbatch,in,out,height,width,kh,kw,strideH,strideW,padH,padW,dilationH,dilationW,groups\talgorithm\n"
      + entries.map { formatLine($0) + "\n" }.joined()
  }

  static func formatLine(_ e: Entry) -> String {
    let geometry = e.key.geometry.fields.map(String.init).joined(separator: ",")
    let direction =
      e.key.direction.rawValue + (e.key.blocked ? "@" + blockedSuffix : "") + (e.key.mixed ? "@" + mixedSuffix : "")
    return "\(e.machine)\t\(direction)\t\(geometry)\t\(e.algorithm)"
  }

  /// Marks the direction of a convolution on blocked activations.
  static let blockedSuffix = "nChw16c"
  /// Marks mixed precision's choice for a pass: `bf16`, or the float32 algorithm that beat it.
  static let mixedSuffix = "mixed"

  // MARK: Reading and writing

  /// Reads `path` (a missing file is an empty one) and returns its entries.
  static func read(_ path: String) throws -> [Entry] {
    let bytes: [UInt8]
    do { bytes = try FileIO.readAll(path: path) } catch SafetensorsError.fileNotFound { return [] }
    return try parse(String(decoding: bytes, as: UTF8.self), path: path)
  }

  /// Reads the choices `path` holds for this machine into the cache, and from then on writes
  /// every new choice to it. A file that does not parse throws, naming its line, and is left
  /// as it is (nothing is written to it).
  static func keep(in path: String, onWriteError: @escaping @Sendable (any Error) -> Void) throws {
    let machine = try adopt(from: path)
    store.withLock {
      $0 = Store(path: path, machine: machine, onWriteError: onWriteError)
    }
  }

  /// Reads the choices `path` holds for this machine into the cache, and returns the machine.
  @discardableResult
  static func adopt(from path: String) throws -> String {
    let machine = currentMachine
    let mine = try read(path).filter { $0.machine == machine }
    ConvolutionAlgorithmCache.adopt(Dictionary(mine.map { ($0.key, $0.algorithm) }) { _, later in later })
    return machine
  }

  /// Writes the cache's choices to the kept file, if there is one. The snapshot is taken under
  /// the store's lock, so a later write never holds fewer choices than an earlier one.
  static func saveIfKept() {
    store.withLock { store in
      guard let store else { return }
      write(store, choices: ConvolutionAlgorithmCache.all)
    }
  }

  /// Merges this machine's `choices` into the file as it is now — every other line kept, this
  /// machine's entries for the same convolutions replaced — under the file's lock, atomically.
  static func write(_ store: Store, choices: [ConvolutionAlgorithmCache.Key: ConvolutionAlgorithm]) {
    let mine = choices.map { Entry(machine: store.machine, key: $0.key, algorithm: $0.value) }
      .sorted { formatLine($0) < formatLine($1) }
    do {
      try withLock(on: store.path + ".lock") {
        let kept = try read(store.path).filter { $0.machine != store.machine || choices[$0.key] == nil }
        try FileIO.writeAtomically(Array(format(kept + mine).utf8), to: store.path)
      }
    } catch {
      store.onWriteError(error)
    }
  }

  struct LockError: Error, CustomStringConvertible {
    let path: String, reason: String
    var description: String { "\(path): \(reason)" }
  }

  /// Runs `body` holding an exclusive `flock` on `path` (created if missing), which every
  /// process writing the choices takes.
  static func withLock<R>(on path: String, _ body: () throws -> R) throws -> R {
    let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw LockError(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    while flock(fd, LOCK_EX) != 0 {
      guard errno == EINTR else { throw LockError(path: path, reason: String(cString: strerror(errno))) }
    }
    defer { flock(fd, LOCK_UN) }
    return try body()
  }
}
