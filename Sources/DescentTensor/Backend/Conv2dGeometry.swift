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
    self.init(
      unchecked: batch, inChannels, outChannels, height, width, kernelHeight, kernelWidth,
      strideH, strideW, padH, padW, dilationH, dilationW, groups)
    if let problem { preconditionFailure("Conv2dGeometry: \(problem)") }
  }

  /// The geometry `fields` lists (a choice file's line), or nil when those 14 integers are not
  /// a valid convolution.
  public init?(fields n: [Int]) {
    guard n.count == 14 else { return nil }
    self.init(unchecked: n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10], n[11], n[12], n[13])
    guard problem == nil else { return nil }
  }

  // Assigns without checking (no array: conv2d builds a geometry on every call).
  private init(
    unchecked batch: Int, _ inChannels: Int, _ outChannels: Int, _ height: Int, _ width: Int,
    _ kernelHeight: Int, _ kernelWidth: Int, _ strideH: Int, _ strideW: Int, _ padH: Int, _ padW: Int,
    _ dilationH: Int, _ dilationW: Int, _ groups: Int
  ) {
    (self.batch, self.inChannels, self.outChannels, self.height, self.width) = (batch, inChannels, outChannels, height, width)
    (self.kernelHeight, self.kernelWidth, self.strideH, self.strideW) = (kernelHeight, kernelWidth, strideH, strideW)
    (self.padH, self.padW, self.dilationH, self.dilationW, self.groups) = (padH, padW, dilationH, dilationW, groups)
  }

  /// The 14 integers in declaration order: batch, channels in and out, height, width, kernel,
  /// stride, padding, dilation, groups.
  public var fields: [Int] {
    [
      batch, inChannels, outChannels, height, width, kernelHeight, kernelWidth,
      strideH, strideW, padH, padW, dilationH, dilationW, groups,
    ]
  }

  /// Why these numbers are not a convolution, or nil when they are one. The dilated kernel must
  /// fit the padded input: `outHeight`'s division truncates towards zero, so a kernel one row
  /// too large would still give it 1 with a stride above 1.
  var problem: String? {
    // Bounds first, so that nothing below overflows (a corrupt choice file can hold any number).
    let limit = Self.maxDimension
    if batch > limit || inChannels > limit || outChannels > limit || height > limit || width > limit
      || kernelHeight > limit || kernelWidth > limit || strideH > limit || strideW > limit || padH > limit
      || padW > limit || dilationH > limit || dilationW > limit || groups > limit
    {
      return "every size must be at most \(limit) (\(self))"
    }
    if !(batch > 0 && inChannels > 0 && outChannels > 0 && height > 0 && width > 0 && kernelHeight > 0 && kernelWidth > 0) {
      return "sizes must be positive (\(self))"
    }
    if !(strideH > 0 && strideW > 0 && dilationH > 0 && dilationW > 0 && padH >= 0 && padW >= 0) {
      return "stride and dilation must be positive, padding non-negative (\(self))"
    }
    if !(groups > 0 && inChannels % groups == 0 && outChannels % groups == 0) {
      return "inChannels \(inChannels) and outChannels \(outChannels) must both divide by groups \(groups)"
    }
    if height + 2 * padH < dilatedKernelHeight || width + 2 * padW < dilatedKernelWidth {
      return "output size is empty: the dilated kernel \(dilatedKernelHeight)×\(dilatedKernelWidth) is larger than the padded input (\(self))"
    }
    func product(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Int? {
      let (ab, o1) = a.multipliedReportingOverflow(by: b), (cd, o2) = c.multipliedReportingOverflow(by: d)
      let (all, o3) = ab.multipliedReportingOverflow(by: cd)
      return o1 || o2 || o3 ? nil : all
    }
    if product(batch, inChannels, height, width) == nil || product(batch, outChannels, outHeight, outWidth) == nil
      || product(outChannels, inChannels / groups, kernelHeight, kernelWidth) == nil
    {
      return "the tensors' element counts overflow (\(self))"
    }
    return nil
  }

  /// The largest size, stride, padding or dilation a geometry may have (2²⁴): far above any
  /// real convolution, low enough that the extents computed from it cannot overflow.
  public static let maxDimension = 1 << 24

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
