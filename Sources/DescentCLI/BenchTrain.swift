import ArgumentParser
import DescentDistributed
import DescentLearn
import DescentNN
import DescentOptim
import DescentTensor
import Foundation

struct BenchTrain: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Images per second of full training steps (forward, backward, Adam), against the GEMM limits.",
    discussion: """
      Builds a torchvision ResNet (10 classes) and times full training steps on random images \
      in float32 on all cores: forward, cross-entropy loss, backward and an Adam step. Reports \
      the median step after the warm-up: two steps (the first one chooses each convolution's \
      algorithm), then more, up to 10, while a step still faults in new memory (malloc's heap \
      grows over the first steps of a run; warmup_steps says how many ran). model_gflops_per_image is 3 × the forward FLOPs (2 per multiply-add of the \
      convolutions and the linear layer: backward costs about twice forward); achieved_gflops \
      is that times images per second, printed beside this machine's GEMM limits measured in \
      the same run — oneDNN's sgemm (peak_sgemm_gflops) and bfloat16 matmul \
      (bf16_gemm_gflops) on 2048³ — and judged against sgemm's, or with --mixed-precision \
      against the faster of the two (each convolution pass then runs in bfloat16 only where \
      bfloat16 times faster; bf16_passes of conv_passes in a step did), with --all-bf16 (every \
      pass in bfloat16, as autocast) against bfloat16's. \
      peak_rss_mb is the process's peak resident memory after the run. With --profile, one \
      more set of steps runs with each op timed (waiting for each oneDNN reorder) and a table \
      gives, per kind of op, milliseconds per step and the share of the step — like \
      torch.profiler's key_averages; "other" is what no kind covers (autograd bookkeeping, \
      allocation, reshapes, the elementwise ops of the head). The three convolution rows add \
      their GFLOP/s (each direction does the forward's FLOPs) and its fraction of the limit \
      (profile.gflops in JSON): where a step falls short of the limit, it shows which pass.

      Under mpirun, every process trains on its own batch of --bs images and gradients are \
      averaged as `train` does (buckets of 25 MB all-reduced during backward): images_per_sec \
      is then the global figure (processes × --bs over the slowest process's median step), \
      with world_size, and comm_fraction — the time a step waits for all-reduces after \
      backward (communication backward did not hide) over the step time.

      Examples:
        descent bench train
        descent bench train --arch resnet18 --size 32 --bs 128 --json
        descent bench train --arch resnet50 --size 128 --bs 32 --profile
        mpirun -np 2 descent bench train --arch resnet34 --size 64 --bs 32 --threads 1
      """)

  @Option(help: "Architecture: \(Architecture.argumentNames) (default: resnet34).", transform: Architecture.parse)
  var arch: Architecture = .resnet34

  @Option(help: "Image size in pixels (square, at least 28: the study's step is --size 28 --bs 128).")
  var size = 64

  @Option(help: "Batch size.")
  var bs = 64

  @Option(help: "Timed steps (the median is reported).")
  var steps = 5

  @OptionGroup var json: JSONOutput

  @Flag(name: .customLong("mixed-precision"), help: "Mixed precision as `train --mixed-precision`: each convolution pass in bfloat16 where it times faster than float32.")
  var mixedPrecision = false

  @Flag(name: .customLong("all-bf16"), help: "Every convolution pass in bfloat16, as PyTorch's autocast (what --mixed-precision is measured against).")
  var allBF16 = false

  /// What the forward passes are asked for.
  var precision: ComputePrecision { allBF16 ? .bfloat16 : mixedPrecision ? .mixed : .float32 }

  @Flag(help: "Also time each kind of op over the same number of steps and print where a step's time goes.")
  var profile = false

  @Option(help: "Kernel threads (default: all cores, shared between the processes mpirun starts on this machine).")
  var threads: Int?

  func validate() throws {
    guard size >= 28 else { throw ValidationError("--size must be at least 28 pixels (the study's), not \(size)") }
    guard bs >= 2 else { throw ValidationError("--bs must be at least 2 (batch norm needs two images), not \(bs)") }
    guard steps >= 1 else { throw ValidationError("--steps must be at least 1, not \(steps)") }
    guard !(allBF16 && mixedPrecision) else { throw ValidationError("--all-bf16 and --mixed-precision exclude each other") }
    try TrainingOptions.validateThreads(threads)
  }

  func run() throws {
    Random.seed(42)
    if let threads = threads ?? ProcessGroup.defaultThreads { Threads.set(threads) }
    let world = ProcessGroup.world
    // Under mpirun, every process measures its share at once: the limit is their sum.
    let peak = world.allReduceSum([MachineLimits.peakSgemmGFLOPs(seconds: 1)])[0]
    let bf16 = world.allReduceSum([MachineLimits.bf16GemmGFLOPs(seconds: 1)])[0]
    // float32 training is judged against sgemm; mixed precision, whose passes each take the
    // faster precision, against the faster limit.
    let (limit, limitName) =
      allBF16 || (mixedPrecision && bf16 > peak) ? (bf16, "bf16 matmul") : (peak, "sgemm")
    let model = arch.make(numClasses: 10)
    let flopsPerImage = 3 * Double(FLOPCounter.forwardFLOPsPerImage(model, height: size, width: size))
    let opt = Adam([model.parameters()], lr: 1e-3)
    // Under mpirun, gradients averaged over the processes during backward, as `train` does.
    let gradients = world.isDistributed ? GradientAllReduce(model.parameters(), world) : nil
    var waited = 0.0
    let x = Tensor.normal([bs, 3, size, size])
    let labels = (0..<bs).map { $0 % 10 }
    model.train()
    func step() throws {
      opt.zeroGrad()
      // As the MixedPrecision callback: for the forward pass and the loss only (each
      // convolution's backward is asked for what its forward was).
      ComputePrecision.current = precision
      let loss = model(x).crossEntropy(labels)
      ComputePrecision.current = .float32
      gradients?.begin()
      try loss.backward(gradientReady: gradients.map { g in { g.ready($0) } })
      if let gradients { waited += gradients.finish() }
      _ = opt.step()
    }
    // Warm-up: two steps (the first chooses each convolution's algorithm), then more while a
    // step still touches new memory — malloc's heap grows over the first few steps (measured on
    // ResNet-50: 47k page faults in each of the first steps, ~0.4 s, none from the fifth on),
    // which a training run pays once, not every step.
    var warmupSteps = 0, faulting = true
    var passes = (bfloat16: 0, all: 0)
    while warmupSteps < 2 || (faulting && warmupSteps < 10) {
      let faults = ProcessStatistics.minorPageFaults()
      let counted = try ConvolutionKernels.countingMixedPrecision { try step() }
      passes = (counted.bfloat16, counted.passes)
      // Over 4 MB of new pages, on any process (they must all run the same steps).
      faulting = world.allReduceMax([ProcessStatistics.minorPageFaults() - faults > 1024 ? 1 : 0])[0] > 0
      warmupSteps += 1
    }
    var times: [Double] = []
    waited = 0
    for _ in 0..<steps {
      let start = Timing.now()
      try step()
      times.append(Timing.now() - start)
    }
    // The slowest process's median step sets the pace of all.
    let median = world.allReduceMax([times.median])[0]
    let commFraction = world.allReduceMax([waited / Double(steps)])[0] / median
    // Profiled separately: waiting for each reorder slows the step a little.
    // Per kind: ms a step, and GFLOP/s where the kind counts its work (the convolutions).
    var profileRows: [(name: String, ms: Double, gflops: Double?)] = []
    var profiledStep = 0.0
    if profile {
      Profiler.start()
      let start = Timing.now()
      for _ in 0..<steps { try step() }
      profiledStep = (Timing.now() - start) / Double(steps)
      let kinds = Profiler.stop().map { k in
        (name: k.kind.name, ms: k.seconds / Double(steps) * 1e3, gflops: k.flops > 0 ? k.flops / k.seconds / 1e9 : nil)
      }
      let covered = kinds.reduce(0) { $0 + $1.ms }
      profileRows = kinds.sorted { $0.ms > $1.ms } + [("other", profiledStep * 1e3 - covered, nil)]
    }
    let imagesPerSec = Double(world.size * bs) / median
    let achieved = flopsPerImage * imagesPerSec / 1e9
    let peakRSS = ProcessStatistics.peakResidentMegabytes()
    if json.isRequested {
      var object: [String: Any] = [
        "arch": arch.rawValue, "size": size, "bs": bs, "mixed_precision": mixedPrecision, "precision": "\(precision)", "bf16_passes": passes.bfloat16, "conv_passes": passes.all, "images_per_sec": imagesPerSec, "step_ms": median * 1e3, "warmup_steps": warmupSteps,
        "model_gflops_per_image": flopsPerImage / 1e9, "achieved_gflops": achieved,
        "peak_sgemm_gflops": peak, "bf16_gemm_gflops": bf16, "achieved_fraction_of_limit": achieved / limit,
        "peak_rss_mb": peakRSS, "world_size": world.size, "comm_fraction": commFraction,
      ]
      if profile {
        object["profile"] = [
          "step_ms": profiledStep * 1e3,
          "ms_per_step": Dictionary(uniqueKeysWithValues: profileRows.map { ($0.name, $0.ms) }),
          "gflops": Dictionary(uniqueKeysWithValues: profileRows.compactMap { r in r.gflops.map { (r.name, $0) } }),
        ]
      }
      try json.write(object)
    }
    if !json.toStandardOutput {
      say("\(arch) at \(size)×\(size), batch \(bs), Adam, \(mixedPrecision ? "mixed precision: " + ConvolutionProbe.summary(bfloat16: passes.bfloat16, passes: passes.all) : allBF16 ? "bfloat16 convolutions" : "float32")\(ProcessGroup.globalBatchNote(perProcess: bs))")
      row("figure", "value", "× \(limitName)")
      row("sgemm 2048³ (limit)", String(format: "%.1f GFLOP/s", peak), "")
      row("bf16 matmul 2048³ (limit)", String(format: "%.1f GFLOP/s", bf16), "")
      row("step (after \(warmupSteps) warm-up)", String(format: "%.1f ms", median * 1e3), "")
      row("images/s", String(format: "%.1f", imagesPerSec), "")
      if world.isDistributed { row("waiting on all-reduce", String(format: "%.1f%% of a step", 100 * commFraction), "") }
      row("model GFLOP/image (3×fwd)", String(format: "%.3f", flopsPerImage / 1e9), "")
      row("achieved", String(format: "%.1f GFLOP/s", achieved), String(format: "%.2f", achieved / limit))
      row("peak resident memory", String(format: "%.0f MB", peakRSS), "")
      if profile {
        say("")
        row(
          "profile (\(steps) steps, \(String(format: "%.1f", profiledStep * 1e3)) ms a step)", "ms/step", "% of step",
          "GFLOP/s", "× \(limitName)", nameWidth: 44)
        for r in profileRows {
          let rate = r.gflops.map { [String(format: "%.0f", $0), String(format: "%.2f", $0 / limit)] } ?? []
          let share = [String(format: "%.1f", r.ms), String(format: "%.1f", 100 * r.ms / (profiledStep * 1e3))]
          row(r.name, figures: share + rate, nameWidth: 44)
        }
      }
    }
  }
}
