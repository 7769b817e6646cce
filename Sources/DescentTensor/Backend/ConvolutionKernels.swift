import Synchronization

/// How a convolution is computed. `.auto` times the others on first use of each geometry and
/// direction and keeps the fastest; the others force one path (tests check each).
public enum ConvolutionAlgorithm: UInt8, Hashable, Sendable, CaseIterable {
  case auto
  /// oneDNN's direct convolution primitives, with reorders to and from its blocked layouts.
  case dnnl
  /// im2col / col2im around `GEMM` (oneDNN's sgemm), one image per worker thread.
  case im2col
  /// oneDNN's Winograd F(4×4, 3×3): about 2× fewer multiplications than direct for 3×3,
  /// stride 1, undilated, ungrouped convolutions, at the cost of rounding errors around 1e-6
  /// relative instead of 1e-7. Geometries it does not cover run `.dnnl`.
  case winograd
  /// On maps so small that (nearly) every output pixel reads every input pixel (3×3 on 2×2 and
  /// 1×1 maps), one GEMM over whole images with the kernel unrolled over pixel pairs
  /// (`SmallMapConvolution`): only the useful multiply-adds, where oneDNN's kernels work
  /// through the padding taps too. Geometries it does not cover run `.dnnl`.
  case smallMap
  /// 3×3 convolutions (stride 1, padding 1) on 2×2 maps by Winograd's minimal filtering with
  /// the padding's zeros left out (`Winograd2x2Convolution`): 9 products of channel matrices per
  /// image where `.smallMap` takes 16. Geometries it does not cover run `.dnnl`.
  case winograd2x2
  /// oneDNN's direct kernels on bfloat16 operands: what mixed precision's timing records for a
  /// pass where bfloat16 won (`ComputePrecision.mixed`). Not in `allCases`, so `--conv` does
  /// not offer it; forced in code, every pass computes in bfloat16 whatever its activations are
  /// stored in.
  case bf16

  /// The algorithms a caller may force or `.auto` may pick in float32.
  public static var allCases: [ConvolutionAlgorithm] { [.auto, .dnnl, .im2col, .winograd, .smallMap, .winograd2x2] }
}

/// 2-D convolution forward and backward on raw activations in the formats `layouts` says (plain
/// NCHW or blocked nChw16c; float32 or bfloat16) and plain OIHW Float32 weights. Every function
/// overwrites its outputs; callers that accumulate add afterwards.
public enum ConvolutionKernels {
  private static let forced = Atomic<UInt8>(ConvolutionAlgorithm.auto.rawValue)
  private static let winogradInAuto = Atomic<Bool>(true)

  /// An algorithm forced for the calling task alone (`$taskAlgorithm.withValue(.im2col) { … }`),
  /// over the process-wide one: tests force each algorithm while other tests of the same
  /// process convolve under `.auto`.
  @TaskLocal static var taskAlgorithm: ConvolutionAlgorithm?

  /// Process-wide algorithm override; `.auto` (the default) picks per geometry and direction.
  public static var algorithm: ConvolutionAlgorithm {
    get { taskAlgorithm ?? ConvolutionAlgorithm(rawValue: forced.load(ordering: .relaxed)) ?? .auto }
    set { forced.store(newValue.rawValue, ordering: .relaxed) }
  }

  /// Whether `.auto` may pick `.winograd` (on by default, as cuDNN's benchmark mode may).
  /// Turn off before the first convolution for results within float rounding of direct.
  public static var autoUsesWinograd: Bool {
    get { winogradInAuto.load(ordering: .relaxed) }
    set { winogradInAuto.store(newValue, ordering: .relaxed) }
  }

  /// Makes `.auto`'s choices outlive the process (see `ConvolutionChoiceFile`): reads the choices
  /// `path` holds for this CPU, thread count and oneDNN version, so those are not timed again,
  /// and writes each new choice to it atomically (a failed write goes to `onWriteError`; the run
  /// goes on). Call after setting the thread count and before the first convolution. Throws,
  /// naming the line, when the file does not parse; the file is then left untouched.
  public static func keepChoices(in path: String, onWriteError: @escaping @Sendable (any Error) -> Void) throws {
    try ConvolutionChoiceFile.keep(in: path, onWriteError: onWriteError)
  }

  /// Reads the choices `path` holds for this CPU, thread count and oneDNN version, as
  /// `keepChoices` does, but never writes to it: a data-parallel run's other processes, which
  /// take rank 0's choices. Throws, naming the line, when the file does not parse.
  public static func readChoices(from path: String) throws {
    try ConvolutionChoiceFile.adopt(from: path)
  }

  /// Every choice `.auto` has made or read so far, in the choice file's format: a checkpoint
  /// keeps them, so that a resumed run computes with the algorithms it began with.
  public static var choicesText: String {
    let machine = ConvolutionChoiceFile.currentMachine
    let entries = ConvolutionAlgorithmCache.all.map { ConvolutionChoiceFile.Entry(machine: machine, key: $0.key, algorithm: $0.value) }
    return ConvolutionChoiceFile.format(entries.sorted { ConvolutionChoiceFile.formatLine($0) < ConvolutionChoiceFile.formatLine($1) })
  }

  /// Takes the choices of `choicesText` (from `source`, named in an error) over this machine's
  /// own, whatever machine made them. Throws, naming the line, when the text does not parse.
  public static func adoptChoices(_ text: String, source: String) throws {
    let entries = try ConvolutionChoiceFile.parse(text, path: source)
    ConvolutionAlgorithmCache.adopt(Dictionary(entries.map { ($0.key, $0.algorithm) }) { _, later in later })
  }

  /// The algorithm `.auto` settled on for a geometry and direction, or nil before its first use.
  /// The choice for blocked activations is given where there is one (training's, where the
  /// channels allow), else the one for plain activations.
  public static func chosenAlgorithm(_ g: Conv2dGeometry, _ direction: ConvolutionDirection) -> ConvolutionAlgorithm? {
    ConvolutionAlgorithmCache.choice(.init(geometry: g, direction: direction, blocked: true))
      ?? ConvolutionAlgorithmCache.choice(.init(geometry: g, direction: direction))
  }

  /// output[N,Cout,Ho,Wo] = conv(input[N,Cin,H,W], weight[Cout,Cin/groups,kh,kw]) + bias[Cout];
  /// what the backward can use again is left in `reuse`.
  public static func forward(
    _ g: Conv2dGeometry, input: UnsafeRawPointer, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutableRawPointer, precision: ComputePrecision = .float32,
    layouts: ConvolutionLayouts = .plain, reuse: ConvolutionReuse? = nil
  ) {
    Profiler.measure(.convForward, flops: g.forwardFlops) {
      forward(
        g, input: input, weight: weight, bias: bias, output: output, using: algorithm, precision: precision,
        layouts: layouts, reuse: reuse)
    }
  }

  /// gradInput = (overwritten) d loss / d input, with what the forward left in `reuse` (same
  /// weights).
  public static func backwardData(
    _ g: Conv2dGeometry, gradOutput: UnsafeRawPointer, weight: UnsafePointer<Float>,
    gradInput: UnsafeMutableRawPointer, precision: ComputePrecision = .float32, layouts: ConvolutionLayouts = .plain,
    reuse: ConvolutionReuse? = nil
  ) {
    Profiler.measure(.convBackwardData, flops: g.forwardFlops) {
      backwardData(
        g, gradOutput: gradOutput, weight: weight, gradInput: gradInput, using: algorithm, precision: precision,
        layouts: layouts, reuse: reuse)
    }
  }

  /// gradWeight, gradBias (overwritten; gradBias optional), with what the forward left in
  /// `reuse` (same input).
  public static func backwardWeights(
    _ g: Conv2dGeometry, input: UnsafeRawPointer, gradOutput: UnsafeRawPointer,
    gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
    precision: ComputePrecision = .float32, layouts: ConvolutionLayouts = .plain, reuse: ConvolutionReuse? = nil
  ) {
    Profiler.measure(.convBackwardWeights, flops: g.forwardFlops) {
      backwardWeights(
        g, input: input, gradOutput: gradOutput, gradWeight: gradWeight, gradBias: gradBias, using: algorithm,
        precision: precision, layouts: layouts, reuse: reuse)
    }
  }

  // MARK: With an explicit algorithm (tests force each one without touching the global)

  static func forward(
    _ g: Conv2dGeometry, input: UnsafeRawPointer, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, output: UnsafeMutableRawPointer, using algorithm: ConvolutionAlgorithm,
    precision: ComputePrecision = .float32, layouts: ConvolutionLayouts = .plain, reuse: ConvolutionReuse? = nil
  ) {
    dispatch(g, .forward, algorithm, precision, layouts, hasBias: bias != nil) { algorithm in
      if algorithm == .smallMap, let map = SmallMapConvolution(g, layouts: layouts) {
        return map.forward(
          input: input.assumingMemoryBound(to: Float.self), weight: weight, bias: bias,
          output: output.assumingMemoryBound(to: Float.self), reuse: reuse)
      }
      if algorithm == .winograd2x2, let winograd = Winograd2x2Convolution(g, layouts: layouts) {
        return winograd.forward(
          input: input.assumingMemoryBound(to: Float.self), weight: weight, bias: bias,
          output: output.assumingMemoryBound(to: Float.self), reuse: reuse)
      }
      switch algorithm {
      case .im2col:
        Im2colConvolution.forward(
          g, input: input.assumingMemoryBound(to: Float.self), weight: weight, bias: bias,
          output: output.assumingMemoryBound(to: Float.self))
      case .dnnl, .winograd, .auto, .bf16, .smallMap, .winograd2x2:
        let key = DNNLConvolutionCache.Key(
          geometry: g, direction: .forward, hasBias: bias != nil, winograd: algorithm == .winograd,
          bf16: precision == .bfloat16 || algorithm == .bf16, layouts: layouts)
        DNNLConvolutionCache.withPlan(key) { plan in
          plan.bind(0, input)
          plan.bind(1, weight)
          if let bias {
            plan.bind(2, bias)
            plan.bind(3, output)
          } else {
            plan.bind(2, output)
          }
          plan.run()
        }
      }
    }
  }

  static func backwardData(
    _ g: Conv2dGeometry, gradOutput: UnsafeRawPointer, weight: UnsafePointer<Float>,
    gradInput: UnsafeMutableRawPointer, using algorithm: ConvolutionAlgorithm,
    precision: ComputePrecision = .float32, layouts: ConvolutionLayouts = .plain, reuse: ConvolutionReuse? = nil
  ) {
    dispatch(g, .backwardData, algorithm, precision, layouts, hasBias: false) { algorithm in
      if algorithm == .smallMap, let map = SmallMapConvolution(g, layouts: layouts) {
        return map.backwardData(
          gradOutput: gradOutput.assumingMemoryBound(to: Float.self), weight: weight,
          gradInput: gradInput.assumingMemoryBound(to: Float.self), reuse: reuse)
      }
      if algorithm == .winograd2x2, let winograd = Winograd2x2Convolution(g, layouts: layouts) {
        return winograd.backwardData(
          gradOutput: gradOutput.assumingMemoryBound(to: Float.self), weight: weight,
          gradInput: gradInput.assumingMemoryBound(to: Float.self), reuse: reuse)
      }
      switch algorithm {
      case .im2col:
        Im2colConvolution.backwardData(
          g, gradOutput: gradOutput.assumingMemoryBound(to: Float.self), weight: weight,
          gradInput: gradInput.assumingMemoryBound(to: Float.self))
      case .dnnl, .winograd, .auto, .bf16, .smallMap, .winograd2x2:
        let key = DNNLConvolutionCache.Key(
          geometry: g, direction: .backwardData, hasBias: false, winograd: algorithm == .winograd,
          bf16: precision == .bfloat16 || algorithm == .bf16, layouts: layouts)
        DNNLConvolutionCache.withPlan(key) { plan in
          plan.bind(0, gradOutput)
          plan.bind(1, weight)
          plan.bind(2, gradInput)
          plan.run()
        }
      }
    }
  }

  static func backwardWeights(
    _ g: Conv2dGeometry, input: UnsafeRawPointer, gradOutput: UnsafeRawPointer,
    gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
    using algorithm: ConvolutionAlgorithm, precision: ComputePrecision = .float32, layouts: ConvolutionLayouts = .plain,
    reuse: ConvolutionReuse? = nil
  ) {
    dispatch(g, .backwardWeights, algorithm, precision, layouts, hasBias: gradBias != nil) { algorithm in
      if algorithm == .smallMap, let map = SmallMapConvolution(g, layouts: layouts) {
        return map.backwardWeights(
          input: input.assumingMemoryBound(to: Float.self), gradOutput: gradOutput.assumingMemoryBound(to: Float.self),
          gradWeight: gradWeight, gradBias: gradBias)
      }
      if algorithm == .winograd2x2, let winograd = Winograd2x2Convolution(g, layouts: layouts) {
        return winograd.backwardWeights(
          input: input.assumingMemoryBound(to: Float.self), gradOutput: gradOutput.assumingMemoryBound(to: Float.self),
          gradWeight: gradWeight, gradBias: gradBias, reuse: reuse)
      }
      switch algorithm {
      case .im2col:
        Im2colConvolution.backwardWeights(
          g, input: input.assumingMemoryBound(to: Float.self), gradOutput: gradOutput.assumingMemoryBound(to: Float.self),
          gradWeight: gradWeight, gradBias: gradBias)
      case .dnnl, .winograd, .auto, .bf16, .smallMap, .winograd2x2:
        let key = DNNLConvolutionCache.Key(
          geometry: g, direction: .backwardWeights, hasBias: gradBias != nil, winograd: algorithm == .winograd,
          bf16: precision == .bfloat16 || algorithm == .bf16, layouts: layouts)
        DNNLConvolutionCache.withPlan(key) { plan in
          plan.bind(0, input)
          plan.bind(1, gradOutput)
          plan.bind(2, gradWeight)
          if let gradBias { plan.bind(3, gradBias) }
          plan.run()
        }
      }
    }
  }

  /// The smallest batch `.auto` offers the small-map GEMM forms (`SmallMapConvolution`,
  /// `Winograd2x2Convolution`) for. Their GEMMs do 2·batch operations per value of the
  /// transformed kernel; below 64 images, transforming the kernel costs about as much as the
  /// products, the timing against oneDNN becomes a coin toss, and the processes of a
  /// data-parallel run, each timing its own, could call it differently (their results would then
  /// round differently from a later run that reads one merged choice: measured with smallMap,
  /// 3 of 4 resumed `mpirun -np 2` runs at batch 8 were no longer bit for bit).
  static let smallMapFormsMinimumBatch = 64

  /// Runs `body` with the forced algorithm, the remembered choice, or — on first use — with
  /// each candidate while timing them (every candidate writes the same result). bfloat16 runs
  /// oneDNN's direct kernels (its only bfloat16 convolutions). im2col computes on plain
  /// float32 activations only: blocked ones choose between oneDNN's kernels and, on small maps,
  /// the small-map GEMM forms.
  @inline(__always)
  private static func dispatch(
    _ g: Conv2dGeometry, _ direction: ConvolutionDirection, _ algorithm: ConvolutionAlgorithm,
    _ precision: ComputePrecision, _ layouts: ConvolutionLayouts, hasBias: Bool, _ body: (ConvolutionAlgorithm) -> Void
  ) {
    precondition(algorithm != .im2col || layouts == .plain, "im2col convolution needs plain float32 activations")
    precondition(precision != .mixed, "a convolution pass runs in float32 or bfloat16: ConvolutionKernels.precision resolves .mixed")
    if precision == .bfloat16 { return body(.dnnl) }
    var algorithm = algorithm
    if algorithm == .auto {
      let key = ConvolutionAlgorithmCache.Key(geometry: g, direction: direction, blocked: layouts != .plain)
      guard let known = ConvolutionAlgorithmCache.choice(key) else {
        var candidates: [ConvolutionAlgorithm] = layouts == .plain ? [.dnnl, .im2col] : [.dnnl]
        if autoUsesWinograd && DNNLConvolutionCache.supportsWinograd(g, direction, hasBias: hasBias) {
          candidates.append(.winograd)
        }
        if g.batch >= smallMapFormsMinimumBatch, SmallMapConvolution(g, layouts: layouts)?.offered(for: direction) == true {
          candidates.append(.smallMap)
        }
        if g.batch >= smallMapFormsMinimumBatch, Winograd2x2Convolution(g, layouts: layouts) != nil {
          candidates.append(.winograd2x2)
        }
        let choice = ConvolutionAlgorithmCache.choose(key, among: candidates, body)
        // The outputs hold the last candidate's result; the chosen one's rounds differently, and
        // a rerun that reads the choice from a file must see the same numbers from its first step.
        if choice != candidates.last { body(choice) }
        return
      }
      algorithm = known
    }
    body(algorithm)
  }
}

/// The storage formats of a convolution's activation operands; weights and biases are always
/// plain float32. `input` is the input and its gradient, `output` the output and its gradient
/// (a backward's incoming gradient has the output's format, its input gradient the input's).
public struct ConvolutionLayouts: Hashable, Sendable {
  public var input: ActivationFormat
  public var output: ActivationFormat

  public init(input: ActivationFormat, output: ActivationFormat) {
    self.input = input
    self.output = output
  }

  public static let plain = ConvolutionLayouts(input: .plain, output: .plain)
}

/// A `StorageFormat` without the dimensions: blocked or not, and the element type.
public struct ActivationFormat: Hashable, Sendable {
  public var blocked: Bool
  public var element: StorageFormat.Element

  public init(blocked: Bool, element: StorageFormat.Element = .float32) {
    self.blocked = blocked
    self.element = element
  }

  public init(_ format: StorageFormat) {
    self.init(blocked: format.isBlocked, element: format.element)
  }

  public static let plain = ActivationFormat(blocked: false)

  /// The full format for a tensor of `shape` (which must allow it when blocked).
  public func storageFormat(_ shape: [Int]) -> StorageFormat {
    guard blocked else { return StorageFormat(order: .rowMajor, element: element) }
    return StorageFormat.blocked(shape, element)!
  }
}
