import ArgumentParser

/// `descent bench …`: speed figures, each printed beside the machine's own limit measured in the
/// same run, so that results compare across machines.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure Descent's speed against this machine's GEMM limits and copy bandwidth.",
    subcommands: [BenchKernels.self, BenchOptim.self, BenchTrain.self, BenchStudy.self, BenchAllreduce.self])
}
