import CDNNL

/// One oneDNN convolution primitive (forward, backward data or backward weights) for one
/// geometry, direct or Winograd, ready to run on the caller's pointers: activations in the
/// formats of the key's `layouts`, plain OIHW weights. oneDNN picks its own layouts
/// (`dnnl_format_tag_any`); the plan owns the reorders between them and the caller's (none
/// where the caller's activations are blocked as oneDNN wants them) and a user-mode scratchpad, so that a run only binds pointers and
/// executes — nothing is created or sized per call. The blocked copies and the scratchpad
/// live in one workspace borrowed from `ScratchPool` for the length of a run: plans for every
/// geometry and direction (and the candidates `.auto` tried and dropped) share one
/// allocation, instead of each holding copies of its activations.
///
/// `@unchecked Sendable`: every handle and buffer is written only in `init`; the memories'
/// data handles are rebound on each run, so a plan is used by one caller at a time —
/// `DNNLConvolutionCache` lends each plan to a single borrower.
final class DNNLConvolution: @unchecked Sendable {
  /// One primitive execution: the primitive and its argument list, built once.
  private struct Step {
    let primitive: dnnl_primitive_t
    let args: UnsafeMutablePointer<dnnl_exec_arg_t>
    let count: Int32
    /// A reorder between the caller's layout and oneDNN's (profiled as such).
    var isReorder = false
  }

  /// Steps in order: reorders into oneDNN's layouts, the convolution, reorders back out.
  private var steps: [Step] = []
  /// Memories wrapping the caller's pointers, in the order of `bind`'s index: the operand's
  /// memory, and its twin described as a matrix where a reorder reads or writes it as one.
  private var user: [[dnnl_memory_t]] = []
  /// Memories in oneDNN's layouts (and the scratchpad), at byte offsets in the workspace.
  private var workspace: [(memory: dnnl_memory_t, offset: Int)] = []
  private var workspaceBytes = 0
  /// Which implementation oneDNN chose (e.g. "jit:avx512_core"), for benchmarks and logs.
  private(set) var implementation = ""

  /// Nil only for Winograd where oneDNN has no Winograd kernel for the geometry (it covers
  /// 3×3, stride 1, undilated, ungrouped convolutions on AVX-512 machines).
  init?(_ key: DNNLConvolutionCache.Key) {
    let (g, direction, hasBias) = (key.geometry, key.direction, key.hasBias)
    let algorithm = key.winograd ? dnnl_convolution_winograd : dnnl_convolution_direct
    /// A failure is fatal for direct convolution and means "not available" for Winograd.
    func succeeded(_ status: dnnl_status_t, _ what: @autoclosure () -> String) -> Bool {
      if status == dnnl_success { return true }
      if key.winograd && (status == dnnl_unimplemented || status == dnnl_invalid_arguments) { return false }
      DNNL.check(status, what())
      return false
    }
    let grouped = g.groups > 1
    let srcDims = [g.batch, g.inChannels, g.height, g.width]
    let dstDims = [g.batch, g.outChannels, g.outHeight, g.outWidth]
    let weightDims =
      grouped
      ? [g.groups, g.outChannels / g.groups, g.inChannels / g.groups, g.kernelHeight, g.kernelWidth]
      : [g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth]
    // The caller's activations, in the formats it keeps them in.
    func callerDesc(_ dims: [Int], _ format: ActivationFormat) -> dnnl_memory_desc_t {
      DNNL.memoryDesc(dims, format.blocked ? dnnl_nChw16c : dnnl_nchw, format.element == .bfloat16 ? dnnl_bf16 : dnnl_f32)
    }
    let srcPlain = callerDesc(srcDims, key.layouts.input)
    let dstPlain = callerDesc(dstDims, key.layouts.output)
    // Plain OIHW weights are the same bytes as GOIHW with O split into groups.
    let weightPlain = DNNL.memoryDesc(weightDims, grouped ? dnnl_goihw : dnnl_oihw)
    // A zeroed descriptor tells oneDNN there is no bias.
    let biasPlain = hasBias ? DNNL.memoryDesc([g.outChannels], dnnl_a) : dnnl_memory_desc_t()
    // In bfloat16 plans the operands a direction reads are bfloat16 in oneDNN's layouts (the
    // reorders from the caller's float32 do the rounding, where it stores float32) and what it
    // writes is float32, or bfloat16 where the caller stores that activation in bfloat16.
    // The forward descriptor, also the backward primitives' hint, has the forward's types.
    // An activation the caller stores in bfloat16 is also written in bfloat16, without a reorder.
    func any(
      _ dims: [Int], readBy directions: Set<ConvolutionDirection>, in direction: ConvolutionDirection,
      stored: ActivationFormat? = nil
    ) -> dnnl_memory_desc_t {
      let bf16 = key.bf16 && (directions.contains(direction) || stored?.element == .bfloat16)
      return DNNL.memoryDesc(dims, dnnl_format_tag_any, bf16 ? dnnl_bf16 : dnnl_f32)
    }
    let (input, output) = (key.layouts.input, key.layouts.output)
    var srcAny = any(srcDims, readBy: [.forward, .backwardWeights], in: .forward, stored: input)
    var weightAny = any(weightDims, readBy: [.forward, .backwardData], in: .forward)
    var dstAny = any(dstDims, readBy: [.backwardData, .backwardWeights], in: .forward, stored: output)
    var srcDirection = any(srcDims, readBy: [.forward, .backwardWeights], in: direction, stored: input)
    var weightDirection = any(weightDims, readBy: [.forward, .backwardData], in: direction)
    var dstDirection = any(dstDims, readBy: [.backwardData, .backwardWeights], in: direction, stored: output)
    var bias = biasPlain

    // oneDNN counts dilation from 0 and wants the right/bottom padding that the output size
    // actually uses (never negative).
    let strides: [dnnl_dim_t] = [dnnl_dim_t(g.strideH), dnnl_dim_t(g.strideW)]
    let dilates: [dnnl_dim_t] = [dnnl_dim_t(g.dilationH - 1), dnnl_dim_t(g.dilationW - 1)]
    let padL: [dnnl_dim_t] = [dnnl_dim_t(g.padH), dnnl_dim_t(g.padW)]
    let padR: [dnnl_dim_t] = [
      dnnl_dim_t(Swift.max(0, (g.outHeight - 1) * g.strideH + g.dilatedKernelHeight - g.height - g.padH)),
      dnnl_dim_t(Swift.max(0, (g.outWidth - 1) * g.strideW + g.dilatedKernelWidth - g.width - g.padW)),
    ]
    let what = "\(direction) \(key.winograd ? "Winograd" : "direct")\(key.bf16 ? " bfloat16" : "") convolution \(g)"

    var attr: dnnl_primitive_attr_t?
    DNNL.check(dnnl_primitive_attr_create(&attr), "creating attributes for \(what)")
    defer { dnnl_primitive_attr_destroy(attr) }
    DNNL.check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "setting scratchpad mode")

    // The forward descriptor is also the hint every backward primitive is paired with.
    var forwardDesc = dnnl_convolution_desc_t()
    var forwardPD: dnnl_primitive_desc_t?
    guard
      succeeded(
        dnnl_dilated_convolution_forward_desc_init(
          &forwardDesc, dnnl_forward_training, algorithm, &srcAny, &weightAny, &bias, &dstAny,
          strides, dilates, padL, padR),
        "describing \(what)"),
      succeeded(dnnl_primitive_desc_create(&forwardPD, &forwardDesc, attr, DNNL.engine, nil), "planning \(what)")
    else { return nil }
    defer { dnnl_primitive_desc_destroy(forwardPD) }

    let pd: dnnl_primitive_desc_t
    // (argument, plain layout, is it an input)
    let operands: [(Int32, dnnl_memory_desc_t, Bool)]
    switch direction {
    case .forward:
      pd = forwardPD!
      operands =
        [(DNNL_ARG_SRC, srcPlain, true), (DNNL_ARG_WEIGHTS, weightPlain, true)]
        + (hasBias ? [(DNNL_ARG_BIAS, biasPlain, true)] : []) + [(DNNL_ARG_DST, dstPlain, false)]
    case .backwardData:
      var desc = dnnl_convolution_desc_t()
      var backwardPD: dnnl_primitive_desc_t?
      guard
        succeeded(
          dnnl_dilated_convolution_backward_data_desc_init(
            &desc, algorithm, &srcDirection, &weightDirection, &dstDirection, strides, dilates, padL, padR),
          "describing \(what)"),
        succeeded(dnnl_primitive_desc_create(&backwardPD, &desc, attr, DNNL.engine, forwardPD), "planning \(what)")
      else { return nil }
      pd = backwardPD!
      operands = [
        (DNNL_ARG_DIFF_DST, dstPlain, true), (DNNL_ARG_WEIGHTS, weightPlain, true),
        (DNNL_ARG_DIFF_SRC, srcPlain, false),
      ]
    case .backwardWeights:
      var desc = dnnl_convolution_desc_t()
      var backwardPD: dnnl_primitive_desc_t?
      guard
        succeeded(
          dnnl_dilated_convolution_backward_weights_desc_init(
            &desc, algorithm, &srcDirection, &weightDirection, &bias, &dstDirection, strides, dilates, padL, padR),
          "describing \(what)"),
        succeeded(dnnl_primitive_desc_create(&backwardPD, &desc, attr, DNNL.engine, forwardPD), "planning \(what)")
      else { return nil }
      pd = backwardPD!
      operands =
        [
          (DNNL_ARG_SRC, srcPlain, true), (DNNL_ARG_DIFF_DST, dstPlain, true),
          (DNNL_ARG_DIFF_WEIGHTS, weightPlain, false),
        ] + (hasBias ? [(DNNL_ARG_DIFF_BIAS, biasPlain, false)] : [])
    }

    var info: UnsafePointer<CChar>?
    if dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &info) == dnnl_success, let info {
      implementation = String(cString: info)
    }

    var convArgs: [(Int32, dnnl_memory_t)] = []
    var inputReorders: [Step] = []
    var outputReorders: [Step] = []
    // A 1×1 weight gradient is reordered back to plain as the [O, I] matrix it is: oneDNN 2.6
    // takes its `jit:blk` kernel then, 3–10× faster than its `jit:uni` one on [O, I, 1, 1] where
    // O < I (0.30 → 0.03 ms for [256, 1024, 1, 1], 2 threads). The bfloat16 weight reorders stay
    // four-dimensional: as matrices they measured slower in a ResNet-50 step (14 → 18 ms).
    let matrixWeights = g.kernelHeight == 1 && g.kernelWidth == 1 && !grouped
    for (arg, plain, isInput) in operands {
      var plain = plain
      let userMemory = Self.memory(&plain, nil, what)
      user.append([userMemory])
      let chosen = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, arg)!
      if dnnl_memory_desc_equal(&plain, chosen) != 0 {
        convArgs.append((arg, userMemory))
        continue
      }
      let (inner, offset) = workspaceMemory(chosen, what)
      convArgs.append((arg, inner))
      var (outside, outsideDesc, inside, insideDesc) = (userMemory, plain, inner, chosen.pointee)
      if matrixWeights && arg == DNNL_ARG_DIFF_WEIGHTS,
        var plainMatrix = Self.matrix(plain), var chosenMatrix = Self.matrix(chosen.pointee)
      {
        outside = Self.memory(&plainMatrix, nil, what)
        user[user.count - 1].append(outside)
        inside = Self.memory(&chosenMatrix, nil, what)
        workspace.append((inside, offset))
        (outsideDesc, insideDesc) = (plainMatrix, chosenMatrix)
      }
      let reorder =
        isInput
        ? Self.reorder(from: outside, &outsideDesc, to: inside, &insideDesc, what)
        : Self.reorder(from: inside, &insideDesc, to: outside, &outsideDesc, what)
      if isInput { inputReorders.append(reorder) } else { outputReorders.append(reorder) }
    }
    let scratchpadDesc = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0)!
    if dnnl_memory_desc_get_size(scratchpadDesc) > 0 {
      convArgs.append((DNNL_ARG_SCRATCHPAD, workspaceMemory(scratchpadDesc, what).memory))
    }
    var convolution: dnnl_primitive_t?
    DNNL.check(dnnl_primitive_create(&convolution, pd), "creating \(what)")
    steps = inputReorders + [Self.step(convolution!, convArgs)] + outputReorders
    if direction != .forward { dnnl_primitive_desc_destroy(pd) }
  }

  /// Points operand `index` (in the order forward: src, weights, [bias], dst; backward data:
  /// diff dst, weights, diff src; backward weights: src, diff dst, diff weights, [diff bias])
  /// at the caller's buffer for the next `run`.
  @inline(__always)
  func bind(_ index: Int, _ pointer: UnsafeRawPointer) {
    for memory in user[index] {
      DNNL.check(dnnl_memory_set_data_handle(memory, UnsafeMutableRawPointer(mutating: pointer)), "binding a buffer")
    }
  }

  /// Runs the reorders and the convolution on the bound buffers and waits for them.
  func run() {
    guard workspaceBytes > 0 else { return execute() }
    ScratchPool.withBuffer(count: workspaceBytes / MemoryLayout<Float>.stride) { base in
      // Bound on every run, even to the same address: another plan may have used the bytes
      // since, and binding is when oneDNN zeroes the padding of blocked layouts.
      for (memory, offset) in workspace {
        DNNL.check(
          dnnl_memory_set_data_handle(memory, UnsafeMutableRawPointer(base) + offset), "binding the workspace")
      }
      execute()
    }
  }

  private func execute() {
    for step in steps {
      // Profiling waits for each reorder, so that its time is its own, not the convolution's.
      if step.isReorder && Profiler.isEnabled {
        Profiler.measure(.reorder) {
          launch(step)
          DNNL.check(dnnl_stream_wait(DNNL.stream), "waiting for a reorder")
        }
      } else {
        launch(step)
      }
    }
    DNNL.check(dnnl_stream_wait(DNNL.stream), "waiting for a convolution")
  }

  @inline(__always)
  private func launch(_ step: Step) {
    DNNL.check(dnnl_primitive_execute(step.primitive, DNNL.stream, step.count, step.args), "running a convolution step")
  }

  // MARK: Building blocks (used only while planning)

  /// A memory for `desc` at the next 64-byte-aligned offset of the workspace, and the offset.
  private func workspaceMemory(
    _ desc: UnsafePointer<dnnl_memory_desc_t>, _ what: String
  ) -> (memory: dnnl_memory_t, offset: Int) {
    let memory = Self.memory(desc, nil, what)
    let offset = workspaceBytes
    workspace.append((memory, offset))
    workspaceBytes += (dnnl_memory_desc_get_size(desc) + 63) & ~63
    return (memory, offset)
  }

  /// `desc` of [O, I, 1, 1] weights as the same bytes described as an [O, I] matrix, or nil
  /// where oneDNN cannot describe its layout so.
  private static func matrix(_ desc: dnnl_memory_desc_t) -> dnnl_memory_desc_t? {
    var desc = desc
    var matrix = dnnl_memory_desc_t()
    let dims: [dnnl_dim_t] = [desc.dims.0, desc.dims.1]
    return dnnl_memory_desc_reshape(&matrix, &desc, 2, dims) == dnnl_success ? matrix : nil
  }

  private static func memory(
    _ desc: UnsafePointer<dnnl_memory_desc_t>, _ handle: UnsafeMutableRawPointer?, _ what: String
  ) -> dnnl_memory_t {
    var memory: dnnl_memory_t?
    DNNL.check(dnnl_memory_create(&memory, desc, DNNL.engine, handle), "creating memory for \(what)")
    return memory!
  }

  private static func reorder(
    from source: dnnl_memory_t, _ sourceDesc: UnsafePointer<dnnl_memory_desc_t>,
    to destination: dnnl_memory_t, _ destinationDesc: UnsafePointer<dnnl_memory_desc_t>, _ what: String
  ) -> Step {
    var pd: dnnl_primitive_desc_t?
    DNNL.check(
      dnnl_reorder_primitive_desc_create(&pd, sourceDesc, DNNL.engine, destinationDesc, DNNL.engine, nil),
      "planning a reorder for \(what)")
    defer { dnnl_primitive_desc_destroy(pd) }
    var primitive: dnnl_primitive_t?
    DNNL.check(dnnl_primitive_create(&primitive, pd), "creating a reorder for \(what)")
    var reorder = step(primitive!, [(DNNL_ARG_FROM, source), (DNNL_ARG_TO, destination)])
    reorder.isReorder = true
    return reorder
  }

  private static func step(_ primitive: dnnl_primitive_t, _ args: [(Int32, dnnl_memory_t)]) -> Step {
    let list = UnsafeMutablePointer<dnnl_exec_arg_t>.allocate(capacity: args.count)
    for (i, (arg, memory)) in args.enumerated() { list[i] = dnnl_exec_arg_t(arg: arg, memory: memory) }
    return Step(primitive: primitive, args: list, count: Int32(args.count))
  }
}

/// Process-global store of oneDNN convolution plans, so that a training loop creates each
/// primitive, reorder and buffer once. A plan is lent to one caller at a time (its memories
/// are rebound per run); concurrent callers with the same geometry get a plan each.
enum DNNLConvolutionCache {
  struct Key: Hashable, Sendable {
    let geometry: Conv2dGeometry
    let direction: ConvolutionDirection
    let hasBias: Bool
    var winograd = false
    /// bfloat16 inputs, float32 outputs (`ComputePrecision.bfloat16`).
    var bf16 = false
    /// The formats the caller's activations are in.
    var layouts = ConvolutionLayouts.plain
  }

  private struct State {
    /// Free plans per key; a plan is out of its list while it runs.
    var free: [Key: [DNNLConvolution]] = [:]
    /// Winograd keys oneDNN cannot plan (answered once, then remembered).
    var unsupported: Set<Key> = []
  }

  private static let state = Locked(State())

  /// Runs `body` with a plan for `key`; a Winograd key oneDNN cannot plan runs direct instead.
  static func withPlan<R>(_ key: Key, _ body: (DNNLConvolution) -> R) -> R {
    // `free[key, default: []]` mutates in place; `free[key]?.popLast()` would allocate.
    let (found, unsupported) = state.withLock { ($0.free[key, default: []].popLast(), $0.unsupported.contains(key)) }
    if unsupported {
      var direct = key
      direct.winograd = false
      return withPlan(direct, body)
    }
    guard let plan = found ?? DNNLConvolution(key) else {
      _ = state.withLock { $0.unsupported.insert(key) }
      return withPlan(key, body)
    }
    defer { state.withLock { $0.free[key, default: []].append(plan) } }
    return body(plan)
  }

  /// Whether oneDNN has a Winograd kernel for this geometry and direction on this machine.
  static func supportsWinograd(_ g: Conv2dGeometry, _ direction: ConvolutionDirection, hasBias: Bool) -> Bool {
    let key = Key(geometry: g, direction: direction, hasBias: hasBias, winograd: true)
    // A key has a free list once a plan was made for it (or tried: then it is in `unsupported`).
    if let known = state.withLock({ $0.unsupported.contains(key) ? false : ($0.free[key] != nil ? true : nil) }) {
      return known
    }
    guard let plan = DNNLConvolution(key) else {
      _ = state.withLock { $0.unsupported.insert(key) }
      return false
    }
    state.withLock { $0.free[key, default: []].append(plan) }
    return true
  }
}
