import Foundation
import Testing
@testable import DescentNN
@testable import DescentTensor

/// Descent's ResNets against torchvision's, on the reference script's formula weights.
@Suite(.serialized) struct ResNetReferenceTests {
  /// 48×48 for resnet18, 64×64 for resnet34: sizes where PyTorch's own convolution algorithms
  /// agree on the gradients (Reference/gradient_sensitivity.py).
  static func input(_ size: Int) -> Tensor { Tensor(noise(8 * 3 * size * size, phase: 0.3), shape: [8, 3, size, size]) }
  static let labels = [3, 7, 1, 0, 9, 2, 5, 5]

  struct Expected: Sendable {
    let arch: String, size: Int, make: @Sendable () -> ResNet
    let evalLogits: [Float], trainLoss: Float, conv1Grad: [Float], conv1GradNorm: Float
    let bnWeightGrad: [Float], bnBiasGrad: [Float], fcGrad: [Float], fcGradNorm: Float, runningMean: [Float]
  }

  static let cases = [
    Expected(
      arch: "resnet18", size: 48, make: { .resnet18(numClasses: 10) }, evalLogits: ResNetReference.resnet18EvalLogits,
      trainLoss: ResNetReference.resnet18TrainLoss, conv1Grad: ResNetReference.resnet18Conv1Grad,
      conv1GradNorm: ResNetReference.resnet18Conv1GradNorm, bnWeightGrad: ResNetReference.resnet18Layer2BN1WeightGrad,
      bnBiasGrad: ResNetReference.resnet18Layer2BN1BiasGrad, fcGrad: ResNetReference.resnet18FcGrad,
      fcGradNorm: ResNetReference.resnet18FcGradNorm, runningMean: ResNetReference.resnet18RunningMean),
    Expected(
      arch: "resnet34", size: 64, make: { .resnet34(numClasses: 10) }, evalLogits: ResNetReference.resnet34EvalLogits,
      trainLoss: ResNetReference.resnet34TrainLoss, conv1Grad: ResNetReference.resnet34Conv1Grad,
      conv1GradNorm: ResNetReference.resnet34Conv1GradNorm, bnWeightGrad: ResNetReference.resnet34Layer2BN1WeightGrad,
      bnBiasGrad: ResNetReference.resnet34Layer2BN1BiasGrad, fcGrad: ResNetReference.resnet34FcGrad,
      fcGradNorm: ResNetReference.resnet34FcGradNorm, runningMean: ResNetReference.resnet34RunningMean),
  ]

  @Test(arguments: cases.map(\.arch))
  func evalLogitsMatchTorchvision(arch: String) {
    let expected = Self.cases.first { $0.arch == arch }!
    let model = expected.make()
    fillAsReference(model)
    model.eval()
    let logits = noGrad { model(Self.input(expected.size)) }
    #expect(logits.shape == [8, 10])
    expectCloseToScale(logits.scalars, expected.evalLogits, "\(arch) eval logits")
  }

  /// Gradients are compared by relative L2 error at 1e-2: whichever convolution algorithm runs,
  /// a rounding-level difference can flip a near-zero ReLU deep in the network (PyTorch's own
  /// two CPU algorithms disagree by up to 2.6e-2 at nearby sizes, Reference/gradient_sensitivity.py).
  /// Measured with each algorithm forced: oneDNN direct ≤ 2.9e-3, im2col ≤ 7.3e-3, Winograd
  /// ≤ 9.2e-4; the last layer's gradient to 1e-5.
  @Test(arguments: cases.map(\.arch))
  func trainLossAndGradientsMatchTorchvision(arch: String) throws {
    let expected = Self.cases.first { $0.arch == arch }!
    let model = expected.make()
    fillAsReference(model)
    model.train()
    let loss = model(Self.input(expected.size)).crossEntropy(Self.labels)
    try loss.backward()
    #expect(abs(loss.item() - expected.trainLoss) <= 1e-4 * expected.trainLoss, "\(arch) loss \(loss.item())")
    let conv1 = model.conv1.weight.grad!, fc = model.fc.weight.grad!
    let bn = (model.layer2[0] as! BasicBlock).bn1
    expectRelativeL2(sample(conv1), expected.conv1Grad, tolerance: 1e-2, "\(arch) conv1 weight grad")
    #expect(abs(norm(conv1) - expected.conv1GradNorm) <= 1e-3 * expected.conv1GradNorm)
    expectRelativeL2(bn.weight.grad!.scalars, expected.bnWeightGrad, tolerance: 1e-2, "\(arch) layer2.0.bn1 weight grad")
    expectRelativeL2(bn.bias.grad!.scalars, expected.bnBiasGrad, tolerance: 1e-2, "\(arch) layer2.0.bn1 bias grad")
    expectRelativeL2(sample(fc), expected.fcGrad, tolerance: 1e-3, "\(arch) fc weight grad")
    #expect(abs(norm(fc) - expected.fcGradNorm) <= 1e-3 * expected.fcGradNorm)
    expectCloseToScale(Array(bn.runningMean.scalars.prefix(16)), expected.runningMean, "\(arch) running mean after one step")
  }

  /// Only where the reference script has run (its safetensors files are too large for git).
  @Test(
    .enabled(if: FileManager.default.fileExists(atPath: ResNetReferenceTests.generated("resnet18")), "run Reference/resnet_reference.py first"),
    arguments: cases.map(\.arch))
  func loadsTheFileTorchvisionSaved(arch: String) throws {
    let expected = Self.cases.first { $0.arch == arch }!
    let model = expected.make()
    let report = try model.loadWeights(from: Self.generated(arch))
    #expect(report.isClean && report.loaded == model.namedState().count)
    model.eval()
    expectCloseToScale(noGrad { model(Self.input(expected.size)) }.scalars, expected.evalLogits, "\(arch) logits from PyTorch's file")
  }

  static func generated(_ arch: String) -> String {
    resourcesFolder.appendingPathComponent("generated/\(arch).safetensors").path
  }

  func norm(_ t: Tensor) -> Float { t.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}

/// fastai's XResNet-18 against fastai's, on the same formula weights at 44×44 (odd sizes reach
/// the ceil-mode average pools of the shortcuts).
@Suite struct XResNetReferenceTests {
  @Test func evalLogitsLossAndStemGradientMatchFastai() throws {
    let model = XResNet.xresnet18(numClasses: 10)
    fillAsReference(model)
    let x = Tensor(noise(8 * 3 * 44 * 44, phase: 0.3), shape: [8, 3, 44, 44])
    model.eval()
    expectCloseToScale(noGrad { model(x) }.scalars, ResNetReference.xresnet18EvalLogits, "xresnet18 eval logits")
    model.train()
    let loss = model(x).crossEntropy(ResNetReferenceTests.labels)
    try loss.backward()
    #expect(abs(loss.item() - ResNetReference.xresnet18TrainLoss) <= 1e-4 * ResNetReference.xresnet18TrainLoss)
    let stem = model.namedParameters()[0].1
    expectRelativeL2(sample(stem.grad!), ResNetReference.xresnet18StemGrad, tolerance: 1e-2, "xresnet18 stem grad")
  }
}
