import Foundation
import Testing
@testable import DescentDistributed

/// Without mpirun a process is a world of one: MPI is never initialized and every collective
/// leaves its values as they are, so that plain `descent` runs exactly as one process of one.
/// (Two processes under mpirun are DescentLearnTests' DataParallelTests, run by scripts/test.sh.)
@Suite(.enabled(if: !Communicator.launchedByMPI, "a world of one is a process started without mpirun"))
struct WorldOfOneTests {
  let world = Communicator.world

  @Test func oneProcessWithoutMPI() {
    #expect(world.rank == 0 && world.size == 1 && !world.usesMPI)
    #expect(world.isMain && !world.isDistributed)
  }

  @Test func everyCollectiveLeavesItsValues() {
    var floats: [Float] = [1.5, -2, 3e-8]
    floats.withUnsafeMutableBufferPointer { world.allReduceSum($0) }
    #expect(floats == [1.5, -2, 3e-8])
    #expect(world.allReduceSum([0.25, 7]) == [0.25, 7])
    #expect(world.allReduceMax([-1, 4]) == [-1, 4])
    #expect(world.broadcast(0.125) == 0.125)
    var pending: [Float] = [9, 8]
    pending.withUnsafeMutableBufferPointer { buffer in
      let reduction = world.startAllReduceSum(buffer)
      reduction.wait()
      #expect(reduction.test())
    }
    #expect(pending == [9, 8])
    var bytes: [UInt8] = [1, 2, 3]
    bytes.withUnsafeMutableBytes { world.broadcast($0) }
    #expect(bytes == [1, 2, 3])
    world.barrier()
  }
}
