/// What a convolution's forward leaves for its backward, so that the backward does not compute
/// it again from the same weights and input: `SmallMapConvolution`'s unrolled kernel, or
/// `Winograd2x2Convolution`'s transformed kernel and inputs. `conv2d` makes one per call that will
/// run a backward; the buffer is borrowed from `ScratchPool` and goes back to it when the
/// backward is done with it.
public final class ConvolutionReuse {
  /// The kept values, and the geometry, layouts and algorithm that made them: a backward uses
  /// them only where it runs the same algorithm on the same layouts.
  var kept: (lease: ScratchPool.Lease, geometry: Conv2dGeometry, layouts: ConvolutionLayouts, algorithm: ConvolutionAlgorithm)?

  public init() {}

  /// The kept buffer, where `algorithm` on `layouts` made it for `g`.
  func buffer(_ g: Conv2dGeometry, _ layouts: ConvolutionLayouts, _ algorithm: ConvolutionAlgorithm) -> UnsafeMutablePointer<Float>? {
    guard let kept, kept.geometry == g, kept.layouts == layouts, kept.algorithm == algorithm else { return nil }
    return kept.lease.pointer
  }

  /// Runs `body` on the `count` floats at `offset` of what the forward kept in `reuse`, or, where
  /// it kept nothing for this pass, on scratch memory that `compute` fills first.
  static func using(
    _ reuse: ConvolutionReuse?, _ g: Conv2dGeometry, _ layouts: ConvolutionLayouts, _ algorithm: ConvolutionAlgorithm,
    at offset: Int = 0, count: Int, orCompute compute: (UnsafeMutablePointer<Float>) -> Void, _ body: (UnsafePointer<Float>) -> Void
  ) {
    if let kept = reuse?.buffer(g, layouts, algorithm) { return body(kept + offset) }
    ScratchPool.withBuffer(count: count) { scratch in
      compute(scratch)
      body(scratch)
    }
  }

  /// Runs `body` on a buffer of `count` floats that stays in `reuse` for the backward, or, without
  /// one, on scratch memory for this call alone.
  static func keeping(
    in reuse: ConvolutionReuse?, count: Int, _ g: Conv2dGeometry, _ layouts: ConvolutionLayouts,
    _ algorithm: ConvolutionAlgorithm, _ body: (UnsafeMutablePointer<Float>) -> Void
  ) {
    guard let reuse else { return ScratchPool.withBuffer(count: count, body) }
    let lease = ScratchPool.Lease(count: count)
    body(lease.pointer)
    reuse.kept = (lease, g, layouts, algorithm)
  }

  /// Gives the buffer back to the pool now (the backward has used it).
  func release() { kept = nil }
}
