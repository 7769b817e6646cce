import ArgumentParser
import DescentDistributed
import DescentTensor
import Foundation

struct BenchAllreduce: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "allreduce",
    abstract: "All-reduce bandwidth between the processes of mpirun, beside this machine's copy bandwidth.",
    discussion: """
      Run under mpirun. Sums float32 buffers of 1 MB to 256 MB over every process with \
      MPI_Allreduce (in place, as training averages gradients) and reports, as nccl-tests \
      does, the algorithm bandwidth (bytes / time) and the bus bandwidth (algorithm bandwidth × \
      2(n − 1)/n for n processes: what each link carries, comparable across process counts), \
      for the slowest process's mean time over the timed repetitions. copy_gbps is one \
      process's memcpy bandwidth, measured first on rank 0 while the others wait.

      Examples:
        mpirun -np 2 descent bench allreduce
        mpirun -np 2 --mca btl tcp,self descent bench allreduce --json   # TCP, as between hosts
      """)

  @Option(help: "Largest buffer in MB (sizes double from 1 MB up to it).")
  var maxMegabytes = 256

  @Option(help: "Seconds to time each size (at least 3 repetitions).")
  var seconds = 0.5

  @OptionGroup var json: JSONOutput

  func validate() throws {
    guard (1...4096).contains(maxMegabytes) else { throw ValidationError("--max-megabytes must be in 1…4096, not \(maxMegabytes)") }
    guard seconds > 0 else { throw ValidationError("--seconds must be positive, not \(seconds)") }
  }

  func run() throws {
    let world = ProcessGroup.world
    guard world.isDistributed else {
      throw ValidationError("bench allreduce measures communication between processes: run it under mpirun with 2 or more (mpirun -np 2 descent bench allreduce)")
    }
    let copy = ProcessGroup.isMain ? MachineLimits.copyGBps(seconds: 0.5) : 0
    world.barrier()
    var sizes: [Int] = []
    var mb = 1
    while mb <= maxMegabytes {
      sizes.append(mb)
      mb *= 2
    }
    let n = Double(world.size)
    var rows: [[String: Any]] = []
    for mb in sizes {
      let count = mb * 1_048_576 / 4
      let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
      defer { buffer.deallocate() }
      buffer.initialize(repeating: 1)
      world.allReduceSum(buffer)  // warm-up: pages, connections
      // Every process runs the same number of repetitions: rank 0's choice.
      let started = Timing.now()
      world.allReduceSum(buffer)
      let once = world.allReduceMax([Timing.now() - started])[0]
      let repetitions = max(3, Int(seconds / max(once, 1e-6)))
      let start = Timing.now()
      for _ in 0..<repetitions { world.allReduceSum(buffer) }
      let time = world.allReduceMax([(Timing.now() - start) / Double(repetitions)])[0]
      let bytes = Double(count * 4)
      let algorithm = bytes / time / 1e9
      rows.append([
        "megabytes": mb, "ms": time * 1e3, "algorithm_gbps": algorithm,
        "bus_gbps": algorithm * 2 * (n - 1) / n,
      ])
    }
    if json.isRequested {
      let object: [String: Any] = ["world_size": world.size, "copy_gbps": copy, "sizes": rows]
      try json.write(object)
    }
    if !json.toStandardOutput {
      say("MPI_Allreduce (sum, float32, in place) over \(world.size) process(es); copy bandwidth \(String(format: "%.1f", copy)) GB/s")
      row("size", "time", "algbw GB/s", "busbw GB/s", nameWidth: 10)
      for r in rows {
        row("\(r["megabytes"]!) MB", String(format: "%.2f ms", r["ms"] as! Double), String(format: "%.2f", r["algorithm_gbps"] as! Double),
            String(format: "%.2f", r["bus_gbps"] as! Double), nameWidth: 10)
      }
    }
  }
}
