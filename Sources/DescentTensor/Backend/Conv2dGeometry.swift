/// The shape of one 2-D convolution over NCHW input with OIHW weights: everything a kernel needs
/// to know, and the key under which kernels cache their plans and algorithm choices.
public struct Conv2dGeometry: Hashable, Sendable, CustomStringConvertible {
  public var batch: Int
  public var inChannels: Int
  public var outChannels: Int
  public var height: Int
  public var width: Int
  public var kernelHeight: Int
  public var kernelWidth: Int
  public var strideH: Int
  public var strideW: Int
  public var padH: Int
  public var padW: Int
  public var dilationH: Int
  public var dilationW: Int
  public var groups: Int

  public init(
    batch: Int, inChannels: Int, outChannels: Int, height: Int, width: Int,
    kernelHeight: Int, kernelWidth: Int,
    strideH: Int = 1, strideW: Int = 1, padH: Int = 0, padW: Int = 0,
    dilationH: Int = 1, dilationW: Int = 1, groups: Int = 1
  ) {
    self.batch = batch
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.height = height
    self.width = width
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.strideH = strideH
    self.strideW = strideW
    self.padH = padH
    self.padW = padW
    self.dilationH = dilationH
    self.dilationW = dilationW
    self.groups = groups
    precondition(
      batch > 0 && inChannels > 0 && outChannels > 0 && height > 0 && width > 0
        && kernelHeight > 0 && kernelWidth > 0,
      "Conv2dGeometry: sizes must be positive (\(self))")
    precondition(
      strideH > 0 && strideW > 0 && dilationH > 0 && dilationW > 0 && padH >= 0 && padW >= 0,
      "Conv2dGeometry: stride and dilation must be positive, padding non-negative (\(self))")
    precondition(
      groups > 0 && inChannels % groups == 0 && outChannels % groups == 0,
      "Conv2dGeometry: inChannels \(inChannels) and outChannels \(outChannels) must both divide by groups \(groups)")
    precondition(
      outHeight > 0 && outWidth > 0,
      "Conv2dGeometry: output size \(outHeight)×\(outWidth) is empty: the dilated kernel is larger than the padded input (\(self))")
  }

  /// Extent of the kernel once dilated: the input rows/columns one output element reads.
  @inlinable public var dilatedKernelHeight: Int { (kernelHeight - 1) * dilationH + 1 }
  @inlinable public var dilatedKernelWidth: Int { (kernelWidth - 1) * dilationW + 1 }

  @inlinable public var outHeight: Int { (height + 2 * padH - dilatedKernelHeight) / strideH + 1 }
  @inlinable public var outWidth: Int { (width + 2 * padW - dilatedKernelWidth) / strideW + 1 }

  /// Elements of the NCHW input, the OIHW weight and the NCHW output.
  @inlinable public var inputCount: Int { batch * inChannels * height * width }
  @inlinable public var weightCount: Int { outChannels * (inChannels / groups) * kernelHeight * kernelWidth }
  @inlinable public var outputCount: Int { batch * outChannels * outHeight * outWidth }

  /// Multiply-adds counted twice, as for GEMM: the forward pass, and each of the two backward
  /// passes, costs this many floating-point operations.
  public var forwardFlops: Double {
    2 * Double(batch) * Double(outChannels) * Double(outHeight) * Double(outWidth)
      * Double(inChannels / groups) * Double(kernelHeight) * Double(kernelWidth)
  }

  public var description: String {
    "N\(batch) \(inChannels)→\(outChannels) \(height)×\(width) k\(kernelHeight)×\(kernelWidth)"
      + " s\(strideH),\(strideW) p\(padH),\(padW) d\(dilationH),\(dilationW) g\(groups)"
  }
}
