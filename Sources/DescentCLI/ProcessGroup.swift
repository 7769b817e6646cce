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

  /// Every process must run the same command: a different one would deadlock in the first
  /// collective that the others do not make.
  static func checkSameArguments() throws {
    guard world.isDistributed else { return }
    // FNV-1a, cut to 48 bits so that it travels exactly in a Double.
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in CommandLine.arguments.dropFirst().joined(separator: "\u{0}").utf8 {
      hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    let h = Double(hash & 0xFFFF_FFFF_FFFF)
    let extremes = world.allReduceMax([h, -h])
    guard extremes[0] == -extremes[1] else {
      throw ValidationError("mpirun started the \(world.size) processes with different arguments; every process must run the same command")
    }
  }

  /// Runs `prepare` on rank 0 first (a dataset fetch, a file creation), then on the others
  /// once it has finished, so that they find its result instead of racing it.
  static func mainFirst<T>(_ prepare: () throws -> T) throws -> T {
    guard world.isDistributed else { return try prepare() }
    if isMain {
      let result = try prepare()
      world.barrier()
      return result
    }
    world.barrier()
    return try prepare()
  }

  /// "2 processes × batch 64 = 128" under mpirun, nothing otherwise.
  static func globalBatchNote(perProcess bs: Int) -> String {
    world.isDistributed ? " · \(world.size) processes × batch \(bs) = global batch \(world.size * bs)" : ""
  }
}
