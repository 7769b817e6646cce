import Foundation
import Testing
@testable import DescentNN
@testable import DescentTensor

/// Descent's ResNets against torchvision's, on the reference script's formula weights.
@Suite(.serialized) struct ResNetReferenceTests {
  static var input: Tensor { Tensor(noise(4 * 3 * 32 * 32, phase: 0.3), shape: [4, 3, 32, 32]) }
  static let labels = [3, 7, 1, 0]

  struct Expected: Sendable {
    let arch: String, make: @Sendable () -> ResNet
    let evalLogits: [Float], trainLoss: Float, conv1Grad: [Float], conv1GradNorm: Float
    let bnWeightGrad: [Float], bnBiasGrad: [Float], fcGrad: [Float], fcGradNorm: Float, runningMean: [Float]
  }

  static let cases = [
    Expected(
      arch: "resnet18", make: { .resnet18(numClasses: 10) }, evalLogits: ResNetReference.resnet18EvalLogits,
      trainLoss: ResNetReference.resnet18TrainLoss, conv1Grad: ResNetReference.resnet18Conv1Grad,
      conv1GradNorm: ResNetReference.resnet18Conv1GradNorm, bnWeightGrad: ResNetReference.resnet18Layer2BN1WeightGrad,
      bnBiasGrad: ResNetReference.resnet18Layer2BN1BiasGrad, fcGrad: ResNetReference.resnet18FcGrad,
      fcGradNorm: ResNetReference.resnet18FcGradNorm, runningMean: ResNetReference.resnet18RunningMean),
    Expected(
      arch: "resnet34", make: { .resnet34(numClasses: 10) }, evalLogits: ResNetReference.resnet34EvalLogits,
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
    let logits = noGrad { model(Self.input) }
    #expect(logits.shape == [4, 10])
    expectCloseToScale(logits.scalars, expected.evalLogits, "\(arch) eval logits")
  }

  @Test(arguments: cases.map(\.arch))
  func trainLossAndGradientsMatchTorchvision(arch: String) throws {
    let expected = Self.cases.first { $0.arch == arch }!
    let model = expected.make()
    fillAsReference(model)
    model.train()
    let loss = model(Self.input).crossEntropy(Self.labels)
    try loss.backward()
    #expect(abs(loss.item() - expected.trainLoss) <= 1e-4 * expected.trainLoss, "\(arch) loss \(loss.item())")
    let conv1 = model.conv1.weight.grad!, fc = model.fc.weight.grad!
    let bn = (model.layer2[0] as! BasicBlock).bn1
    expectCloseToScale(sample(conv1), expected.conv1Grad, tolerance: 1e-3, "\(arch) conv1 weight grad")
    #expect(abs(norm(conv1) - expected.conv1GradNorm) <= 1e-3 * expected.conv1GradNorm)
    expectCloseToScale(bn.weight.grad!.scalars, expected.bnWeightGrad, tolerance: 1e-3, "\(arch) layer2.0.bn1 weight grad")
    expectCloseToScale(bn.bias.grad!.scalars, expected.bnBiasGrad, tolerance: 1e-3, "\(arch) layer2.0.bn1 bias grad")
    expectCloseToScale(sample(fc), expected.fcGrad, tolerance: 1e-3, "\(arch) fc weight grad")
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
    expectCloseToScale(noGrad { model(Self.input) }.scalars, expected.evalLogits, "\(arch) logits from PyTorch's file")
  }

  static func generated(_ arch: String) -> String {
    resourcesFolder.appendingPathComponent("generated/\(arch).safetensors").path
  }

  func norm(_ t: Tensor) -> Float { t.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
