import Foundation
import Testing
@testable import DescentNN
@testable import DescentTensor

@Suite struct ModuleTests {
  /// Every state_dict key and shape of torchvision's ResNets and fastai's XResNets, from
  /// Resources/model_keys.txt.
  static func torchvisionKeys(_ arch: String) throws -> [(String, [Int])] {
    let text = try String(contentsOf: resourcesFolder.appendingPathComponent("model_keys.txt"), encoding: .utf8)
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
      let parts = line.split(separator: " ")
      guard parts[0] == arch else { return nil }
      let shape = parts.count > 2 ? parts[2].split(separator: "x").map { Int($0)! } : []
      return (String(parts[1]), shape)
    }
  }

  @Test(arguments: Architecture.allCases)
  func stateDictNamesAndShapesEqualPyTorch(arch: Architecture) throws {
    let model = arch.make()
    let expected = try Self.torchvisionKeys(arch.rawValue).filter { !$0.0.hasSuffix("num_batches_tracked") }
    let actual = model.namedState()
    #expect(actual.map(\.0) == expected.map(\.0))
    #expect(actual.map(\.1.shape) == expected.map(\.1))
  }

  /// Sequential runs a batch norm followed by a ReLU as the fused op: no separate ReLU runs, and
  /// the result is the layers' one by one.
  @Test func sequentialFusesBatchNormAndReLU() {
    var generator = RandomGenerator(seed: 5)
    let x = Tensor.normal([2, 3, 4, 5], using: &generator)
    let bn = BatchNorm2d(3), relu = ReLU(), model = Sequential(bn, relu)
    let oneByOne = relu(bn(x)).scalars  // updates the running statistics once, as below
    Profiler.start()
    let fused = model(x).scalars
    let kinds = Profiler.stop()
    #expect(fused == oneByOne)
    #expect(kinds.first { $0.kind == .relu }!.calls == 0)
    #expect(kinds.first { $0.kind == .batchNorm }!.calls == 1)
  }

  /// In eval, conv → batch norm → ReLU runs as one convolution with the batch norm folded in:
  /// the unfolded layers' values (to float rounding), no batch-norm pass, and gradients that
  /// flow to the convolution's weight and the batch norm's affine parameters as through the
  /// layers (fine-tuning with frozen statistics).
  @Test func evalFoldsBatchNormIntoTheConvolution() throws {
    var generator = RandomGenerator(seed: 9)
    let x = Tensor.normal([2, 16, 6, 6], using: &generator)
    let conv = Conv2d(16, 32, kernelSize: 3, padding: 1), bn = BatchNorm2d(32)
    noGrad {
      _ = bn.runningMean.copy_(Tensor.normal([32], using: &generator))
      _ = bn.runningVar.copy_(Tensor.uniform([32], low: 0.5, high: 2, using: &generator))
      _ = bn.weight.copy_(Tensor.uniform([32], low: 0.5, high: 1.5, using: &generator))
      _ = bn.bias.copy_(Tensor.normal([32], using: &generator))
    }
    let model = Sequential(conv, bn, ReLU())
    model.eval()
    func layerByLayer() throws -> [[Float]] {
      for p in model.parameters() { p.grad = nil }
      let y = ReLU()(bn(conv(x)))
      try (y * y).sum().backward()
      return [y.scalars] + model.parameters().map { $0.grad!.scalars }
    }
    func folded() throws -> [[Float]] {
      for p in model.parameters() { p.grad = nil }
      Profiler.start()
      let y = model(x)
      let kinds = Profiler.stop()
      #expect(kinds.first { $0.kind == .batchNorm }!.calls == 0)
      try (y * y).sum().backward()
      return [y.scalars] + model.parameters().map { $0.grad!.scalars }
    }
    let expected = try layerByLayer(), actual = try folded()
    #expect(actual.count == 5)  // output, conv weight and bias, bn weight and bias
    for (i, (a, e)) in zip(actual, expected).enumerated() { expectCloseToScale(a, e, tolerance: 1e-5, "result \(i)") }
    // Training runs the layers themselves.
    model.train()
    Profiler.start()
    _ = model(x)
    #expect(Profiler.stop().first { $0.kind == .batchNorm }!.calls == 1)
  }

  @Test func parameterCountsEqualPyTorch() {
    #expect(ResNet.resnet18().parameterCount == 11_689_512)
    #expect(ResNet.resnet34().parameterCount == 21_797_672)
    #expect(ResNet.resnet50().parameterCount == 25_557_032)
    #expect(XResNet.xresnet18().parameterCount == ResNetReference.xresnet18Parameters)
    #expect(XResNet.xresnet34().parameterCount == ResNetReference.xresnet34Parameters)
    #expect(XResNet.xresnet50().parameterCount == ResNetReference.xresnet50Parameters)
    #expect(ResNet.resnet18(inChannels: 1, numClasses: 10).parameterCount == 11_689_512 - 2 * 64 * 49 - 990 * 513)
  }

  @Test func trainAndEvalReachEveryChild() {
    let model = ResNet.resnet18(numClasses: 2)
    model.eval()
    #expect(model.namedModules().allSatisfy { !$0.1.training })
    model.train()
    #expect(model.namedModules().allSatisfy { $0.1.training })
  }

  @Test func strictLoadListsEveryDifferenceAndChangesNothing() throws {
    let model = Sequential(Linear(3, 2), BatchNorm1d(2))
    let before = model.namedState().map { $0.1.scalars }
    var source = Dictionary(uniqueKeysWithValues: model.namedState().map { ($0.0, Tensor.full($0.1.shape, 7)) })
    source["0.bias"] = nil
    source["0.weight"] = Tensor.zeros([2, 4])
    source["2.weight"] = Tensor.zeros([1])
    source["1.num_batches_tracked"] = Tensor.scalar(3)
    do {
      try model.loadStateDict(source, sourceName: "weights.safetensors")
      Issue.record("a mismatching strict load succeeded")
    } catch {
      guard case .mismatch(let name, let report) = error else { Issue.record("\(error)"); return }
      #expect(name == "weights.safetensors")
      #expect(report.missing == ["0.bias"] && report.unexpected == ["2.weight"])
      #expect(report.mismatched == [.init(name: "0.weight", model: [2, 3], source: [2, 4])])
      #expect("\(error)".contains("0.bias") && "\(error)".contains("2.weight") && "\(error)".contains("[2, 4]"))
    }
    #expect(model.namedState().map { $0.1.scalars } == before)
    let report = try model.loadStateDict(source, strict: false)
    #expect(report.loaded == 4 && report.missing == ["0.bias"])
    #expect((model[1] as! BatchNorm1d).runningVar.scalars == [7, 7])
  }

  @Test func weightsRoundTripThroughSafetensors() throws {
    let a = ResNet.resnet18(numClasses: 3), b = ResNet.resnet18(numClasses: 3)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-\(UUID()).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try a.saveWeights(to: path)
    #expect(a.fc.weight.scalars != b.fc.weight.scalars)
    try b.loadWeights(from: path)
    #expect(zip(a.namedState(), b.namedState()).allSatisfy { $0.1.scalars == $1.1.scalars })
  }

  @Test func truncatedWeightsFileIsAClearError() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-\(UUID()).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Linear(4, 4).saveWeights(to: path)
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    try data.prefix(data.count - 10).write(to: URL(fileURLWithPath: path))
    #expect(throws: StateDictError.self) { try Linear(4, 4).loadWeights(from: path) }
    do { try Linear(4, 4).loadWeights(from: path) } catch { #expect("\(error)".contains(path)) }
  }

  @Test func layerDefaultsAsPyTorch() {
    let conv = Conv2d(8, 4, kernelSize: 3)
    let bound = 1 / Float(72).squareRoot()
    #expect(conv.weight.scalars.allSatisfy { abs($0) <= bound } && conv.bias!.scalars.allSatisfy { abs($0) <= bound })
    #expect(conv.weight.scalars.map(abs).max()! > 0.9 * bound)
    let bn = BatchNorm2d(3)
    #expect(bn.weight.scalars == [1, 1, 1] && bn.bias.scalars == [0, 0, 0])
    #expect(bn.runningMean.scalars == [0, 0, 0] && bn.runningVar.scalars == [1, 1, 1])
    #expect(bn.momentum == 0.1 && bn.eps == 1e-5)
    // torchvision's ResNet convolutions: kaiming normal, fan-out, std √(2/fan_out).
    let w = ResNet.resnet18().layer4.layers[0].namedParameters()[0].1
    let std = (w.scalars.reduce(0) { $0 + $1 * $1 } / Float(w.count)).squareRoot()
    #expect(abs(std - (2 / Float(512 * 9)).squareRoot()) < 0.02 * std)
  }

  /// fastai's init_cnn: kaiming-normal weights, zero biases everywhere (batch norms too), and
  /// the last batch norm of each residual branch starting at weight 0.
  @Test func xresnetInitialization() {
    let model = XResNet.xresnet18(numClasses: 10)
    let state = Dictionary(uniqueKeysWithValues: model.namedState())
    #expect(state["4.0.convpath.1.1.weight"]!.scalars.allSatisfy { $0 == 0 })
    #expect(state["4.0.convpath.0.1.weight"]!.scalars.allSatisfy { $0 == 1 })
    #expect(model.namedParameters().filter { $0.0.hasSuffix("bias") }.allSatisfy { $0.1.scalars.allSatisfy { $0 == 0 } })
    let w = state["7.0.convpath.0.0.weight"]!
    let std = (w.scalars.reduce(0) { $0 + $1 * $1 } / Float(w.count)).squareRoot()
    #expect(abs(std - (2 / Float(256 * 9)).squareRoot()) < 0.02 * std)
    let (_, groups) = VisionModel.make(model, nOut: 10)
    // stem: 3 ConvLayers; stages: 8 blocks of 6 and 3 projections of 3; head: 6.
    #expect(groups.map(\.count) == [9, 8 * 6 + 3 * 3, 6])
  }

  @Test func adaptiveConcatPoolPutsMaxFirst() {
    let x = Tensor([1, 5, 3, 2, -1, -4, 0, 6], shape: [1, 2, 2, 2])
    #expect(AdaptiveConcatPool2d()(x).scalars == [5, 6, 2.75, 0.25])
  }

  @Test func visionModelNamesGroupsAndFlags() {
    let (model, groups) = VisionModel.make(ResNet.resnet34(), nOut: 10)
    let names = model.namedParameters().map(\.0)
    #expect(names.first == "0.0.weight" && names.contains("0.4.0.conv1.weight") && names.contains("0.7.2.bn2.bias"))
    let head = model[1] as! Sequential
    #expect(head.namedParameters().map(\.0) == ["2.weight", "2.bias", "4.weight", "6.weight", "6.bias", "8.weight"])
    #expect(head.namedParameters().map(\.1.shape) == [[1024], [1024], [512, 1024], [512], [512], [10, 512]])
    #expect((head[2] as! BatchNorm1d).bias.scalars.allSatisfy { $0 == 1e-3 })
    #expect(groups.map(\.count) == [3 + 3 * 6 + (4 * 6 + 3), 6 * 6 + 3 + 3 * 6 + 3, 6])
    #expect(groups.joined().count == model.parameters().count)
    // 38 batch norms (36 in the body, 2 in the head), two parameters each; no other layer
    // has a bias, so the no-weight-decay and keep-training sets are the same.
    #expect(model.normBiasParameters().count == 2 * (1 + 16 * 2 + 3 + 2))
    #expect(model.normBiasParameters(withBias: false).count == model.normBiasParameters().count)
    let withBias = Sequential(Linear(2, 2), BatchNorm1d(2))
    #expect(withBias.normBiasParameters().count == 3 && withBias.normBiasParameters(withBias: false).count == 2)
  }
}
