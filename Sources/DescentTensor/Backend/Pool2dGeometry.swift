/// The shape of one 2-D pooling over an NCHW Float32 batch: input size, window, stride and
/// symmetric zero padding. It is the cache key of the oneDNN pooling primitives, so equal
/// geometries share one primitive for the whole process.
public struct Pool2dGeometry: Hashable, Sendable {
  public var batch: Int
  public var channels: Int
  public var height: Int
  public var width: Int
  public var kernelH: Int
  public var kernelW: Int
  public var strideH: Int
  public var strideW: Int
  public var padH: Int
  public var padW: Int

  /// `stride` defaults to the kernel size, as in PyTorch's `max_pool2d` / `avg_pool2d`.
  public init(
    batch: Int, channels: Int, height: Int, width: Int,
    kernelH: Int, kernelW: Int, strideH: Int? = nil, strideW: Int? = nil,
    padH: Int = 0, padW: Int = 0
  ) {
    precondition(batch > 0 && channels > 0 && height > 0 && width > 0, "pooling input must be non-empty, got \(batch)×\(channels)×\(height)×\(width)")
    precondition(kernelH > 0 && kernelW > 0, "pooling kernel must be positive, got \(kernelH)×\(kernelW)")
    let sH = strideH ?? kernelH, sW = strideW ?? kernelW
    precondition(sH > 0 && sW > 0, "pooling stride must be positive, got \(sH)×\(sW)")
    // PyTorch's rule: a window centred on the border must still see one real pixel.
    precondition(
      padH >= 0 && padW >= 0 && padH <= kernelH / 2 && padW <= kernelW / 2,
      "pad should be at most half of the kernel size, got pad \(padH)×\(padW) for kernel \(kernelH)×\(kernelW)")
    self.batch = batch
    self.channels = channels
    self.height = height
    self.width = width
    self.kernelH = kernelH
    self.kernelW = kernelW
    self.strideH = sH
    self.strideW = sW
    self.padH = padH
    self.padW = padW
    precondition(outHeight > 0 && outWidth > 0, "pooling output would be empty for input \(height)×\(width) and kernel \(kernelH)×\(kernelW)")
  }

  /// PyTorch's floor rule (ceil_mode=False, dilation 1).
  public var outHeight: Int { (height + 2 * padH - kernelH) / strideH + 1 }
  public var outWidth: Int { (width + 2 * padW - kernelW) / strideW + 1 }

  public var inputCount: Int { batch * channels * height * width }
  public var outputCount: Int { batch * channels * outHeight * outWidth }
}
