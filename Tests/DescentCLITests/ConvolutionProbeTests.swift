import Testing
@testable import DescentCLI
import DescentDistributed
@testable import DescentTensor

/// Under mpirun (scripts/test.sh runs this suite again as 2 processes) every process leaves
/// `ConvolutionProbe.prepareRun` with rank 0's convolution choices, whatever it had chosen
/// itself; in a world of one without mixed precision its own choice stays. (Under mpirun the
/// suite runs alone: another suite's collectives would mix with its broadcast.)
@Suite struct ConvolutionProbeTests {
  @Test func everyProcessTakesRankZerosChoices() throws {
    let world = Communicator.world
    // A convolution no model and no other test has (the algorithm cache is process-wide, and
    // suites run side by side), chosen differently by each process before the run.
    let g = Conv2dGeometry(
      batch: 3, inChannels: 5, outChannels: 9, height: 11, width: 17, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1)
    let own: ConvolutionAlgorithm = world.rank == 0 ? .dnnl : .winograd
    let key = ConvolutionAlgorithmCache.Key(geometry: g, direction: .backwardWeights)
    try ConvolutionKernels.adoptChoices(
      ConvolutionChoiceFile.format([.init(machine: "any", key: key, algorithm: own)]), source: "test")
    let before = ConvolutionAlgorithmCache.all.count
    let options = try TrainingOptions.parse(["--arch", "resnet18", "--size", "16", "--bs", "2", "--threads", "1"])
    let note = try ConvolutionProbe.prepareRun(options, channels: 3, classes: 2)
    #expect(note == "")
    #expect(ConvolutionAlgorithmCache.choice(key) == (world.isDistributed ? .dnnl : own))
    guard world.isDistributed else { return }
    // Rank 0 probed: the model's passes were chosen (and so are not timed again in training)...
    #expect(ConvolutionAlgorithmCache.all.count > before)
    // ...and every process holds exactly its choices.
    let h = ProcessGroup.hash48(ConvolutionKernels.choicesText.utf8)
    let extremes = world.allReduceMax([h, -h])
    #expect(extremes[0] == -extremes[1])
  }
}
