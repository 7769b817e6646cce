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
  /// PyTorch's `ceil_mode`: partial windows at the bottom and right edges give outputs too.
  public var ceilMode: Bool

  /// `stride` defaults to the kernel size, as in PyTorch's `max_pool2d` / `avg_pool2d`.
  public init(
    batch: Int, channels: Int, height: Int, width: Int,
    kernelH: Int, kernelW: Int, strideH: Int? = nil, strideW: Int? = nil,
    padH: Int = 0, padW: Int = 0, ceilMode: Bool = false
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
    self.ceilMode = ceilMode
    precondition(outHeight > 0 && outWidth > 0, "pooling output would be empty for input \(height)×\(width) and kernel \(kernelH)×\(kernelW)")
  }

  public var outHeight: Int { Self.outSize(height, kernelH, strideH, padH, ceilMode) }
  public var outWidth: Int { Self.outSize(width, kernelW, strideW, padW, ceilMode) }

  /// PyTorch's rule (dilation 1): floor, or with `ceilMode` ceiling, except that the last
  /// window must start inside the input or its left padding.
  static func outSize(_ size: Int, _ kernel: Int, _ stride: Int, _ pad: Int, _ ceil: Bool) -> Int {
    let span = size + 2 * pad - kernel
    guard ceil else { return span / stride + 1 }
    var out = (span + stride - 1) / stride + 1
    if (out - 1) * stride >= size + pad { out -= 1 }
    return out
  }

  /// Padding past the bottom and right edges that `ceilMode`'s extra windows reach (oneDNN
  /// takes it as asymmetric padding).
  var extraPadH: Int { (outHeight - 1) * strideH + kernelH - height - 2 * padH }
  var extraPadW: Int { (outWidth - 1) * strideW + kernelW - width - 2 * padW }

  public var inputCount: Int { batch * channels * height * width }
  public var outputCount: Int { batch * channels * outHeight * outWidth }
}
