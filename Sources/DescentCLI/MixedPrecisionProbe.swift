import DescentNN
import DescentTensor

/// What a `--mixed-precision` run says in its first line: which precision its convolutions
/// took. Each pass runs in bfloat16 only where bfloat16 times faster on this machine
/// (`ComputePrecision.mixed`), decided the first time the pass runs, so the probe runs one
/// training step of the run's model (its architecture, channels, image size and batch) on random
/// images before the run starts: the choices it makes are the ones training then finds made,
/// and they are counted as it goes. The probe's model is its own, drawn from its own generator:
/// the run's weights and batches are what they would be without it.
enum MixedPrecisionProbe {
  /// " · bf16 in 31 of 107 convolution passes (float32 where it timed faster)", or "" without
  /// mixed precision.
  static func note(_ options: TrainingOptions, channels: Int, classes: Int) throws -> String {
    guard options.mixedPrecision else { return "" }
    let counted = try Random.$scoped.withValue(Locked(RandomGenerator(seed: 0))) {
      try ConvolutionKernels.countingMixedPrecision {
        let model = VisionModel.make(options.arch.make(inChannels: channels), nOut: classes, ps: options.ps).model
        model.train()
        let saved = ComputePrecision.current
        ComputePrecision.current = .mixed
        let loss = model(Tensor.normal([options.bs, channels, options.size, options.size])).crossEntropy(
          (0..<options.bs).map { $0 % classes })
        ComputePrecision.current = saved
        try loss.backward()
      }
    }
    return " · " + summary(bfloat16: counted.bfloat16, passes: counted.passes)
  }

  /// How many of a step's convolution passes ran in bfloat16.
  static func summary(bfloat16: Int, passes: Int) -> String {
    let rest = bfloat16 == passes ? "" : bfloat16 == 0 ? " (float32 timed faster in every one)" : " (float32 where it timed faster)"
    return "bf16 in \(bfloat16) of \(passes) convolution passes\(rest)"
  }
}
