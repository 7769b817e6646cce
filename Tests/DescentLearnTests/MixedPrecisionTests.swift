import DescentNN
import Foundation
import DescentOptim
import DescentTensor
import Testing
@testable import DescentLearn

@Suite struct MixedPrecisionTests {
  /// A small convolutional classifier on fixed random images.
  static func learner(mixed: ComputePrecision?, seenPrecision: @escaping (ComputePrecision) -> Void = { _ in }) -> Learner {
    var g = RandomGenerator(seed: 3)
    let x = Tensor.normal([24, 3, 8, 8], using: &g)
    let y = (0..<24).map { $0 % 3 }
    let model = Sequential(
      Conv2d(3, 8, kernelSize: 3, padding: 1), BatchNorm2d(8), ReLU(), AdaptiveAvgPool2d(1), Flatten(), Linear(8, 3))
    noGrad { for p in model.parameters() { _ = p.copy_(Tensor.normal(p.shape, std: 0.3, using: &g)) } }
    let probe = EventCallback(name: "probe", [.afterPred: { _ in seenPrecision(ComputePrecision.current) }])
    let learn = Learner(
      data: (InMemoryBatches(x: x, y: y, batchSize: 8), InMemoryBatches(x: x, y: y, batchSize: 8)), model: model,
      optimizerFactory: { SGD($0, lr: 0.1) }, callbacks: (mixed.map { [MixedPrecision($0)] } ?? []) + [probe], progress: false)
    learn.logger = nil
    return learn
  }

  /// `MixedPrecision(.bfloat16)` is autocast's: every convolution pass in bfloat16 (the
  /// default, `.mixed`, takes bfloat16 only where it times faster, which a test cannot fix).
  @Test func forwardRunsInBfloat16AndEverythingElseStaysFloat32() throws {
    var seen: [ComputePrecision] = []
    let learn = Self.learner(mixed: .bfloat16) { seen.append($0) }
    try learn.fit(2, lr: 0.1)
    #expect(seen.count == 2 * (3 + 3) && seen.allSatisfy { $0 == .bfloat16 })
    #expect(ComputePrecision.current == .float32)
    // The optimizer's copies and the weights are float32 tensors as before; training moved them.
    let fp32 = Self.learner(mixed: nil)
    try fp32.fit(2, lr: 0.1)
    let a = learn.model.parameters().flatMap(\.scalars), b = fp32.model.parameters().flatMap(\.scalars)
    let difference = zip(a, b).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    let norm = b.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
    // bfloat16 rounding moves the result a little, not a lot.
    #expect(difference > 0 && difference < 1e-2 * norm, "relative difference \(difference / norm)")
    let losses = (learn.recorder.value("valid_loss", row: 1)!, fp32.recorder.value("valid_loss", row: 1)!)
    #expect(abs(losses.0 - losses.1) < 1e-2 * losses.1)
  }

  /// The callback's default is `.mixed`: set for each batch's forward pass, float32 after.
  @Test func theDefaultIsMixed() throws {
    var seen: [ComputePrecision] = []
    let learn = Self.learner(mixed: .mixed) { seen.append($0) }
    try learn.fit(1, lr: 0.1)
    #expect(MixedPrecision().precision == .mixed)
    #expect(seen.count == 3 + 3 && seen.allSatisfy { $0 == .mixed })
    #expect(ComputePrecision.current == .float32)
  }

  @Test func precisionIsPerThread() {
    ComputePrecision.current = .bfloat16
    let other = Locked(ComputePrecision.bfloat16)
    let thread = Thread { other.withLock { $0 = ComputePrecision.current } }
    thread.start()
    while !thread.isFinished { usleep(1000) }
    #expect(ComputePrecision.current == .bfloat16)
    ComputePrecision.current = .float32
    #expect(other.withLock { $0 } == .float32)
  }
}
