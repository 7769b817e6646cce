import CMPI
import Foundation

/// The processes of a data-parallel run and the collective operations between them, over Open
/// MPI (the only file that calls MPI, with `PendingReduction`).
///
/// `Communicator.world` is every process `mpirun` started. A process started without `mpirun`
/// never initializes MPI: it is a world of one, where every collective is a no-op, so plain
/// `descent` runs exactly as before.
///
/// MPI is initialized with `MPI_THREAD_SERIALIZED`: any thread may call, one at a time. Descent
/// calls from the thread that runs the Learner only (worker threads never do).
public final class Communicator: @unchecked Sendable {
  // Sendable: rank and size are constants; MPI's state is touched only from the Learner's
  // thread, as MPI_THREAD_SERIALIZED requires.

  /// This process's index among `size` processes (0 in a world of one).
  public let rank: Int
  public let size: Int
  /// Whether MPI was initialized (launched by mpirun, even with `-np 1`).
  public let usesMPI: Bool

  /// Every process of the run: initialized on first use.
  public static let world = Communicator()

  /// Whether this process was started by a process manager (Open MPI's mpirun, or a PMIx/PMI
  /// one such as Slurm's srun): only then is MPI initialized.
  public static var launchedByMPI: Bool {
    let env = ProcessInfo.processInfo.environment
    return env["OMPI_COMM_WORLD_SIZE"] != nil || env["PMIX_RANK"] != nil || env["PMI_RANK"] != nil
  }

  private init() {
    guard Self.launchedByMPI else {
      rank = 0
      size = 1
      usesMPI = false
      return
    }
    var provided: Int32 = 0
    MPI_Init_thread(nil, nil, Int32(MPI_THREAD_SERIALIZED), &provided)
    var r: Int32 = 0
    var s: Int32 = 0
    MPI_Comm_rank(descent_mpi_comm_world(), &r)
    MPI_Comm_size(descent_mpi_comm_world(), &s)
    rank = Int(r)
    size = Int(s)
    usesMPI = true
    // A process that ends without MPI_Finalize makes mpirun report it as failed.
    atexit {
      var finalized: Int32 = 0
      MPI_Finalized(&finalized)
      if finalized == 0 { MPI_Finalize() }
    }
  }

  /// More than one process.
  public var isDistributed: Bool { size > 1 }
  /// The process that prints and writes files.
  public var isMain: Bool { rank == 0 }

  // MARK: Collectives (each a no-op in a world of one)

  /// Sums `values` over every process, in place; every process gets the sum.
  public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
    guard isDistributed, let base = values.baseAddress else { return }
    MPI_Allreduce(descent_mpi_in_place(), base, Int32(values.count), descent_mpi_float(), descent_mpi_sum(), descent_mpi_comm_world())
  }

  /// Sums `values` over every process, in place.
  public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
    guard isDistributed, let base = values.baseAddress else { return }
    MPI_Allreduce(descent_mpi_in_place(), base, Int32(values.count), descent_mpi_double(), descent_mpi_sum(), descent_mpi_comm_world())
  }

  /// The sums of `values` over every process.
  public func allReduceSum(_ values: [Double]) -> [Double] {
    var v = values
    v.withUnsafeMutableBufferPointer { allReduceSum($0) }
    return v
  }

  /// The largest of each of `values` over every process.
  public func allReduceMax(_ values: [Double]) -> [Double] {
    var v = values
    guard isDistributed else { return v }
    v.withUnsafeMutableBufferPointer {
      _ = MPI_Allreduce(descent_mpi_in_place(), $0.baseAddress, Int32($0.count), descent_mpi_double(), descent_mpi_max(), descent_mpi_comm_world())
    }
    return v
  }

  /// Starts summing `values` over every process, in place, and returns at once: the values
  /// may be read only after the reduction's `wait()`, and must stay allocated until then.
  public func startAllReduceSum(_ values: UnsafeMutableBufferPointer<Float>) -> PendingReduction {
    guard isDistributed, let base = values.baseAddress else { return PendingReduction(request: nil) }
    var request = descent_mpi_request_null()
    MPI_Iallreduce(descent_mpi_in_place(), base, Int32(values.count), descent_mpi_float(), descent_mpi_sum(), descent_mpi_comm_world(), &request)
    return PendingReduction(request: request)
  }

  /// Copies `bytes` of process `root` into every other process's `bytes` (same size on all).
  public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int = 0) {
    guard isDistributed, let base = bytes.baseAddress else { return }
    // MPI counts are Int32: send large buffers in pieces.
    let piece = 1 << 30
    var offset = 0
    while offset < bytes.count {
      let n = min(piece, bytes.count - offset)
      MPI_Bcast(base + offset, Int32(n), descent_mpi_byte(), Int32(root), descent_mpi_comm_world())
      offset += n
    }
  }

  /// Process `root`'s `value` on every process.
  public func broadcast(_ value: Double, root: Int = 0) -> Double {
    var v = value
    withUnsafeMutableBytes(of: &v) { broadcast($0, root: root) }
    return v
  }

  /// Waits until every process has reached this call.
  public func barrier() {
    guard isDistributed else { return }
    MPI_Barrier(descent_mpi_comm_world())
  }

  /// Ends every process of the run with `code` (mpirun then reports which rank aborted). In a
  /// world of one, exits.
  public func abort(code: Int32) -> Never {
    if usesMPI { MPI_Abort(descent_mpi_comm_world(), code) }
    exit(code)
  }
}

/// A reduction started by `Communicator.startAllReduceSum`: `test()` lets MPI progress it (Open
/// MPI moves a non-blocking collective on only inside MPI calls), `wait()` finishes it.
public final class PendingReduction {
  private var request: MPI_Request?

  init(request: MPI_Request?) { self.request = request }

  /// Whether the reduction has finished (advancing it a little if not).
  @discardableResult
  public func test() -> Bool {
    guard request != nil else { return true }
    var done: Int32 = 0
    MPI_Test(&request, &done, descent_mpi_status_ignore())
    if done != 0 { request = nil }
    return done != 0
  }

  /// Blocks until the reduction has finished.
  public func wait() {
    guard request != nil else { return }
    MPI_Wait(&request, descent_mpi_status_ignore())
    request = nil
  }
}
