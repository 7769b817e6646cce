import DescentTensor

/// fastai's `ConvLayer`: convolution (padding (ks−1)/2, no bias), batch norm, optional ReLU, as
/// a Sequential named "0", "1", "2" like fastai's. `zeroNorm` starts the batch norm's weight at
/// 0 (fastai's `NormType.BatchZero`), so a residual branch starts as the identity.
public func convLayer(_ ni: Int, _ nf: Int, kernelSize: Int = 3, stride: Int = 1, relu: Bool = true, zeroNorm: Bool = false)
  -> Sequential
{
  let bn = BatchNorm2d(nf)
  if zeroNorm { bn.weight.fill_(0) }
  let conv = Conv2d(ni, nf, kernelSize: Size2(kernelSize), stride: Size2(stride), padding: Size2((kernelSize - 1) / 2), bias: false)
  return Sequential([conv, bn] + (relu ? [ReLU()] : []))
}

/// fastai's `ResBlock` (no squeeze-excite or self-attention): `convpath` of two 3×3 ConvLayers
/// (expansion 1) or 1×1, 3×3, 1×1 (expansion 4), the last with a zero-weight batch norm and no
/// ReLU; `idpath` an average pool (2×2, ceil mode) when strided and a 1×1 ConvLayer when the
/// channels change; ReLU after the sum.
public final class XResBlock: Module {
  public let convpath: Sequential, idpath: Sequential
  public let act = ReLU()

  public init(expansion: Int, _ ni: Int, _ nf: Int, stride: Int = 1) {
    let (nIn, nOut) = (ni * expansion, nf * expansion)
    convpath =
      expansion == 1
      ? Sequential(convLayer(nIn, nf, stride: stride), convLayer(nf, nOut, relu: false, zeroNorm: true))
      : Sequential(
        convLayer(nIn, nf, kernelSize: 1), convLayer(nf, nf, stride: stride),
        convLayer(nf, nOut, kernelSize: 1, relu: false, zeroNorm: true))
    var id: [Module] = []
    if stride != 1 { id.append(AvgPool2d(Size2(stride), ceilMode: true)) }
    if nIn != nOut { id.append(convLayer(nIn, nOut, kernelSize: 1, relu: false)) }
    idpath = Sequential(id)
    super.init()
  }

  public override var children: [(String, Module)] { [("convpath", convpath), ("idpath", idpath), ("act", act)] }

  public override func forward(_ x: Tensor) -> Tensor { convpath(x).addReLU(idpath(x)) }
}

/// fastai's `XResNet` (Bag of Tricks ResNet-D): a stem of three ConvLayers (c_in→32 stride 2,
/// 32→32, 32→64), max pool, four stages of `XResBlock`s, average pool, Flatten, Dropout and a
/// Linear, as one Sequential with fastai's indices (0…11). Initialized by fastai's `init_cnn`:
/// convolution and linear weights kaiming-normal (fan-in), every bias 0 (batch norms included).
public final class XResNet: Module {
  public let model: Sequential

  public init(expansion: Int, layers: [Int], inChannels: Int = 3, numClasses: Int = 1000, dropout: Float = 0) {
    let sizes = [64 / expansion, 64, 128, 256, 512]
    var modules: [Module] = [
      convLayer(inChannels, 32, stride: 2), convLayer(32, 32), convLayer(32, 64), MaxPool2d(3, stride: 2, padding: 1),
    ]
    for (i, blocks) in layers.enumerated() {
      modules.append(
        Sequential(
          (0..<blocks).map { b in
            XResBlock(expansion: expansion, b == 0 ? sizes[i] : sizes[i + 1], sizes[i + 1], stride: b == 0 && i > 0 ? 2 : 1)
          }))
    }
    modules += [AdaptiveAvgPool2d(1), Flatten(), Dropout(dropout), Linear(512 * expansion, numClasses)]
    model = Sequential(modules)
    super.init()
    noGrad {
      for (_, m) in namedModules() {
        if let conv = m as? Conv2d { _ = conv.weight.copy_(Tensor.kaimingNormal(conv.weight.shape)) }
        if let linear = m as? Linear { _ = linear.weight.copy_(Tensor.kaimingNormal(linear.weight.shape)) }
        for (name, p) in m.ownParameters where name == "bias" { p.fill_(0) }
      }
    }
  }

  public static func xresnet18(inChannels: Int = 3, numClasses: Int = 1000) -> XResNet {
    XResNet(expansion: 1, layers: [2, 2, 2, 2], inChannels: inChannels, numClasses: numClasses)
  }

  public static func xresnet34(inChannels: Int = 3, numClasses: Int = 1000) -> XResNet {
    XResNet(expansion: 1, layers: [3, 4, 6, 3], inChannels: inChannels, numClasses: numClasses)
  }

  public static func xresnet50(inChannels: Int = 3, numClasses: Int = 1000) -> XResNet {
    XResNet(expansion: 4, layers: [3, 4, 6, 3], inChannels: inChannels, numClasses: numClasses)
  }

  /// The model's children are the Sequential's, so names are fastai's ("0.0.weight", …).
  public override var children: [(String, Module)] { model.children }

  public override func forward(_ x: Tensor) -> Tensor { model(x) }

  /// Everything before the average pool (indices 0…7), as fastai's `create_body` cuts it.
  public func body() -> Sequential { model.slice(0..<8) }

  public var bodyChannels: Int { (model[11] as! Linear).weight.shape[1] }
}
