/// What a convolution's forward leaves for its backward: where the forward ran as
/// `SmallMapConvolution`, the kernel unrolled into its matrix A, which the backward's input
/// gradient multiplies by again (dX = dY · A) instead of unrolling the same weights a second
/// time. `conv2d` makes one per call that will run a backward; the matrix is borrowed from
/// `ScratchPool` and goes back to it when the backward is done with it.
public final class ConvolutionReuse {
  /// The unrolled kernel and the geometry and layouts it was unrolled for.
  var unrolled: (lease: ScratchPool.Lease, geometry: Conv2dGeometry, layouts: ConvolutionLayouts)?

  public init() {}

  /// Gives the buffer back to the pool now (the backward has used it).
  func release() { unrolled = nil }
}
