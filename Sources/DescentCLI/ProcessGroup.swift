import ArgumentParser
import DescentDistributed
import DescentLearn
import Foundation

/// The command line under `mpirun -np N descent …`: every process runs the same command on
/// its shard of the data (`DataParallel`); rank 0 alone prints and writes files. Without
/// mpirun this is a world of one and nothing changes.
enum ProcessGroup {
  static var world: Communicator { Communicator.world }

  /// Whether this process prints and writes the run's files (rank 0, or the only process).
  static var isMain: Bool { world.isMain }

  /// Whether a command draws fastai's progress bar: on a terminal, and never under mpirun, which
  /// hands its processes a terminal even when its own output is piped.
  static var showsProgress: Bool { !world.usesMPI && ProgressCallback.stdoutIsTerminal }

  /// Kernel threads per process when --threads is not given: the cores shared between the
  /// processes mpirun started on this host.
  static var defaultThreads: Int? {
    guard world.isDistributed else { return nil }
    let local = Int(ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"] ?? "") ?? world.size
    return max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, local))
  }

  /// FNV-1a of `bytes`, cut to 48 bits so that it travels exactly in a Double.
  static func hash48<S: Sequence>(_ bytes: S) -> Double where S.Element == UInt8 {
    Double(fnv1a(bytes) & 0xFFFF_FFFF_FFFF)
  }

  /// Every process must run the same command: a different one would deadlock in the first
  /// collective that the others do not make.
  static func checkSameArguments() throws {
    guard world.isDistributed else { return }
    let h = hash48(CommandLine.arguments.dropFirst().joined(separator: "\u{0}").utf8)
    let extremes = world.allReduceMax([h, -h])
    guard extremes[0] == -extremes[1] else {
      throw ValidationError("mpirun started the \(world.size) processes with different arguments; every process must run the same command")
    }
  }

  /// Every process's host name, by rank (gathered on first use: every process must ask at the
  /// same point, as for any collective).
  static let hostNames: [String] = gather(hostName())

  /// This machine's name (gethostname: no name lookup).
  static func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "?" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Every process's `text` (at most 255 bytes), by rank: each writes its bytes into its own
  /// slot of zeros and a sum gathers them (exact: each slot has one non-zero term).
  static func gather(_ text: String) -> [String] {
    guard world.isDistributed else { return [text] }
    let width = 256
    var slots = [Double](repeating: 0, count: world.size * width)
    for (i, byte) in text.utf8.prefix(width - 1).enumerated() { slots[world.rank * width + i] = Double(byte) }
    let all = world.allReduceSum(slots)
    return (0..<world.size).map { r in
      String(decoding: all[r * width..<(r + 1) * width].prefix { $0 != 0 }.map { UInt8($0) }, as: UTF8.self)
    }
  }

  /// Rank 0's `text` on every process (each must call this at the same point).
  static func broadcast(_ text: String) -> String {
    guard world.isDistributed else { return text }
    let count = Int(world.broadcast(Double(text.utf8.count)))
    var bytes = world.isMain ? Array(text.utf8) : [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { world.broadcast($0) }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Runs `prepare` first on the lowest-ranked process of each host (a dataset fetch into that
  /// host's DESCENT_HOME), then on the host's others once every host's first has finished, so
  /// that they find its result instead of racing it. Hosts need not share a file system.
  static func hostFirst<T>(_ prepare: () throws -> T) throws -> T {
    guard world.isDistributed else { return try prepare() }
    let names = hostNames
    if names.firstIndex(of: names[world.rank]) == world.rank {
      let result = try prepare()
      world.barrier()
      return result
    }
    world.barrier()
    return try prepare()
  }

  /// Under mpirun: every host must train on the same dataset, or the processes' shards would
  /// not make one. Compares a hash of each process's file list and sizes; refuses, naming the
  /// hosts, when they differ.
  static func checkSameDataset(_ files: [URL], root: URL) throws {
    guard world.isDistributed else { return }
    let rootPath = root.standardizedFileURL.path
    var listing = ""
    for file in files {
      let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? -1
      listing += String(file.standardizedFileURL.path.dropFirst(rootPath.count)) + "\u{0}" + String(size) + "\n"
    }
    var slots = [Double](repeating: 0, count: world.size)
    slots[world.rank] = hash48(listing.utf8)
    let hashes = world.allReduceSum(slots)
    guard let other = hashes.firstIndex(where: { $0 != hashes[0] }) else { return }
    let names = hostNames
    throw ValidationError(
      "--data: the hosts \(names[0]) (rank 0) and \(names[other]) (rank \(other)) see different datasets under \(root.path) (their file lists or sizes differ); every host needs the same copy")
  }

  /// "2 processes × batch 64 = 128" under mpirun, nothing otherwise.
  static func globalBatchNote(perProcess bs: Int) -> String {
    world.isDistributed ? " · \(world.size) processes × batch \(bs) = global batch \(world.size * bs)" : ""
  }
}
