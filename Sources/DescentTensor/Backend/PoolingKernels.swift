import CDNNL

/// What max pooling's backward needs from its forward: for each output element, which element
/// of its window was the maximum, in oneDNN's own encoding and layout. The caller makes one per
/// forward call (or reuses one per geometry across steps) and hands the same object to backward.
///
/// `@unchecked Sendable`: the buffer is written only by `maxPool2dForward` and read by
/// `maxPool2dBackward`; the autograd tape orders those two calls, and nothing else touches it.
public final class MaxPoolWorkspace: @unchecked Sendable {
  public let geometry: Pool2dGeometry
  /// The format of the activations the pooling it serves runs on.
  public let format: ActivationFormat
  let bytes: UnsafeMutableRawPointer
  let desc: dnnl_memory_desc_t

  public init(_ geometry: Pool2dGeometry, format: ActivationFormat = .plain) {
    self.geometry = geometry
    self.format = format
    var desc = PoolingKernels.primitive(geometry, .maxTraining, format: format).memoryDesc(dnnl_query_workspace_md)
    bytes = .allocate(byteCount: max(1, dnnl_memory_desc_get_size(&desc)), alignment: 64)
    self.desc = desc
  }

  deinit { bytes.deallocate() }
}

/// Max and average 2-D pooling over activations in NCHW or nChw16c, float32 or bfloat16 (input,
/// output and their gradients alike, as `format` says), forward and backward, through oneDNN.
/// Average pooling counts padding in the divisor (PyTorch's default `count_include_pad=True`);
/// max pooling ignores padding. Outputs and input gradients are overwritten, never accumulated.
public enum PoolingKernels {
  /// Max pooling. With a workspace (training) it records the argmax for backward; without one
  /// (inference, `noGrad`) it uses oneDNN's cheaper inference primitive.
  public static func maxPool2dForward(
    _ g: Pool2dGeometry, input: UnsafeRawPointer, output: UnsafeMutableRawPointer,
    workspace: MaxPoolWorkspace?, format: ActivationFormat = .plain
  ) {
    let (src, dst) = descs(g, format)
    guard let workspace else {
      primitive(g, .maxInference, format: format).execute([
        (DNNL_ARG_SRC, src, UnsafeMutableRawPointer(mutating: input)),
        (DNNL_ARG_DST, dst, UnsafeMutableRawPointer(output)),
      ])
      return
    }
    precondition(workspace.geometry == g && workspace.format == format, "max pool workspace was made for \(workspace.geometry), not \(g)")
    primitive(g, .maxTraining, format: format).execute([
      (DNNL_ARG_SRC, src, UnsafeMutableRawPointer(mutating: input)),
      (DNNL_ARG_DST, dst, UnsafeMutableRawPointer(output)),
      (DNNL_ARG_WORKSPACE, workspace.desc, workspace.bytes),
    ])
  }

  /// Routes each output gradient to the input element that was the window's maximum in the
  /// forward call that filled `workspace`.
  public static func maxPool2dBackward(
    _ g: Pool2dGeometry, gradOutput: UnsafeRawPointer, workspace: MaxPoolWorkspace,
    gradInput: UnsafeMutableRawPointer
  ) {
    let format = workspace.format
    precondition(workspace.geometry == g, "max pool workspace was made for \(workspace.geometry), not \(g)")
    let (src, dst) = descs(g, format)
    primitive(g, .maxBackward, format: format).execute([
      (DNNL_ARG_DIFF_DST, dst, UnsafeMutableRawPointer(mutating: gradOutput)),
      (DNNL_ARG_DIFF_SRC, src, UnsafeMutableRawPointer(gradInput)),
      (DNNL_ARG_WORKSPACE, workspace.desc, workspace.bytes),
    ])
  }

  /// Average pooling; every window divides by kernelH·kernelW, padded positions counting as zero
  /// (in ceil mode, partial windows divide by the input pixels they cover).
  public static func avgPool2dForward(
    _ g: Pool2dGeometry, input: UnsafeRawPointer, output: UnsafeMutableRawPointer, format: ActivationFormat = .plain
  ) {
    let (src, dst) = descs(g, format)
    primitive(g, .avgForward, format: format).execute([
      (DNNL_ARG_SRC, src, UnsafeMutableRawPointer(mutating: input)),
      (DNNL_ARG_DST, dst, UnsafeMutableRawPointer(output)),
    ])
  }

  public static func avgPool2dBackward(
    _ g: Pool2dGeometry, gradOutput: UnsafeRawPointer, gradInput: UnsafeMutableRawPointer,
    format: ActivationFormat = .plain
  ) {
    let (src, dst) = descs(g, format)
    primitive(g, .avgBackward, format: format).execute([
      (DNNL_ARG_DIFF_DST, dst, UnsafeMutableRawPointer(mutating: gradOutput)),
      (DNNL_ARG_DIFF_SRC, src, UnsafeMutableRawPointer(gradInput)),
    ])
  }

  // MARK: - Primitive cache

  enum Kind: Hashable, Sendable {
    case maxTraining, maxInference, maxBackward, avgForward, avgBackward
  }

  struct Key: Hashable, Sendable {
    var geometry: Pool2dGeometry
    var kind: Kind
    var format: ActivationFormat
  }

  static let cache = DNNLPrimitiveCache<Key, DNNLPrimitive>()

  static func descs(_ g: Pool2dGeometry, _ format: ActivationFormat) -> (src: dnnl_memory_desc_t, dst: dnnl_memory_desc_t) {
    let tag = format.blocked ? dnnl_nChw16c : dnnl_nchw
    let type = format.element == .bfloat16 ? dnnl_bf16 : dnnl_f32
    return (
      DNNL.memoryDesc([g.batch, g.channels, g.height, g.width], tag, type),
      DNNL.memoryDesc([g.batch, g.channels, g.outHeight, g.outWidth], tag, type)
    )
  }

  static func primitive(_ g: Pool2dGeometry, _ kind: Kind, format: ActivationFormat = .plain) -> DNNLPrimitive {
    // A backward primitive is built against its forward one, fetched first: the cache lock is
    // not reentrant.
    let hint: DNNLPrimitive? =
      switch kind {
      case .maxBackward: primitive(g, .maxTraining, format: format)
      case .avgBackward: primitive(g, .avgForward, format: format)
      default: nil
      }
    return cache.value(for: Key(geometry: g, kind: kind, format: format)) {
      var (src, dst) = descs(g, format)
      let strides: [dnnl_dim_t] = [dnnl_dim_t(g.strideH), dnnl_dim_t(g.strideW)]
      let kernel: [dnnl_dim_t] = [dnnl_dim_t(g.kernelH), dnnl_dim_t(g.kernelW)]
      let dilation: [dnnl_dim_t] = [0, 0]
      // Symmetric padding, plus on the bottom and right what ceil mode's partial windows reach,
      // so that oneDNN's output size equals PyTorch's.
      let padding: [dnnl_dim_t] = [dnnl_dim_t(g.padH), dnnl_dim_t(g.padW)]
      let paddingEnd: [dnnl_dim_t] = [dnnl_dim_t(g.padH + g.extraPadH), dnnl_dim_t(g.padW + g.extraPadW)]
      let isMax = kind == .maxTraining || kind == .maxInference || kind == .maxBackward
      // PyTorch divides a partial ceil-mode window by the pixels it covers inside the input
      // and its padding: with no padding, oneDNN's exclude-padding rule.
      let algorithm =
        isMax ? dnnl_pooling_max : g.ceilMode ? dnnl_pooling_avg_exclude_padding : dnnl_pooling_avg_include_padding
      var desc = dnnl_pooling_v2_desc_t()
      switch kind {
      case .maxTraining, .maxInference, .avgForward:
        let prop = kind == .maxInference ? dnnl_forward_inference : dnnl_forward_training
        DNNL.check(
          dnnl_pooling_v2_forward_desc_init(
            &desc, prop, algorithm, &src, &dst, strides, kernel, dilation, padding, paddingEnd),
          "describing \(kind) pooling \(g)")
      case .maxBackward, .avgBackward:
        DNNL.check(
          dnnl_pooling_v2_backward_desc_init(
            &desc, algorithm, &src, &dst, strides, kernel, dilation, padding, paddingEnd),
          "describing \(kind) pooling \(g)")
      }
      return withUnsafePointer(to: &desc) { DNNLPrimitive($0, hint: hint, "\(kind) pooling \(g)") }
    }
  }
}
