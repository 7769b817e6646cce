import DescentNN
import DescentTensor

/// One training step of the run's model (its architecture, channels, image size and batch) on
/// random images before the run starts, so that the convolution choices training needs are
/// made before it, where they can be counted and shared:
/// - `--mixed-precision` says in the run's first line which precision its convolutions took.
///   Each pass runs in bfloat16 only where bfloat16 times faster on this machine
///   (`ComputePrecision.mixed`), decided the first time the pass runs; the probe counts them.
/// - Under mpirun every process must compute with the same algorithms: each timing its own, two
///   could choose differently where a timing is a close call, and a later run or a resume, which
///   reads one set of choices, would then not compute as the first run did. Rank 0 probes and
///   every process takes its choices before the first step.
/// The probe's model is its own, drawn from its own generator: the run's weights and batches are
/// what they would be without it.
enum ConvolutionProbe {
  /// Probes where the run needs it, in a command every process runs (train, compare), and
  /// returns the first line's note: " · bf16 in 31 of 107 convolution passes (float32 where it
  /// timed faster)", or "" without mixed precision.
  static func prepareRun(_ options: TrainingOptions, channels: Int, classes: Int) throws -> String {
    guard ProcessGroup.world.isDistributed, options.conv == .auto else {
      return try note(options, channels: channels, classes: classes)
    }
    let note = ProcessGroup.isMain ? try probe(options, channels: channels, classes: classes) : ""
    let choices = ProcessGroup.broadcast(ConvolutionKernels.choicesText)
    if !ProcessGroup.isMain { try ConvolutionKernels.adoptChoices(choices, source: "rank 0's convolution choices") }
    return note
  }

  /// The note of `prepareRun` in a command one process runs (lr-find): probes under mixed
  /// precision only.
  static func note(_ options: TrainingOptions, channels: Int, classes: Int) throws -> String {
    options.mixedPrecision ? try probe(options, channels: channels, classes: classes) : ""
  }

  /// Runs the step, in the run's precision, and returns its note.
  private static func probe(_ options: TrainingOptions, channels: Int, classes: Int) throws -> String {
    let counted = try Random.$scoped.withValue(Locked(RandomGenerator(seed: 0))) {
      try ConvolutionKernels.countingMixedPrecision {
        let model = VisionModel.make(options.arch.make(inChannels: channels), nOut: classes, ps: options.ps).model
        model.train()
        let saved = ComputePrecision.current
        ComputePrecision.current = options.mixedPrecision ? .mixed : .float32
        let loss = model(Tensor.normal([options.bs, channels, options.size, options.size])).crossEntropy(
          (0..<options.bs).map { $0 % classes })
        ComputePrecision.current = saved
        try loss.backward()
      }
    }
    return options.mixedPrecision ? " · " + summary(bfloat16: counted.bfloat16, passes: counted.passes) : ""
  }

  /// How many of a step's convolution passes ran in bfloat16.
  static func summary(bfloat16: Int, passes: Int) -> String {
    let rest = bfloat16 == passes ? "" : bfloat16 == 0 ? " (float32 timed faster in every one)" : " (float32 where it timed faster)"
    return "bf16 in \(bfloat16) of \(passes) convolution passes\(rest)"
  }
}
