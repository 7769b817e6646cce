import Foundation
import Testing
@testable import DescentOptim
import DescentTensor

/// A fused chain of steppers must equal the tensor-stepper chain of the same math, and
/// the optimizer's options (clipping, accumulation, hyper settings, freezing) behave as in
/// PyTorch/fastai.
@Suite struct FusedChainTests {
  /// Parameters big enough to be split across workers (one spans a chunk boundary) plus small ones.
  static func params() -> [[Tensor]] {
    [[Tensor((0..<70_001).map { Float(sin(Double($0) * 0.01)) }, shape: [70_001], requiresGrad: true),
      Tensor([0.5, -0.25, 1], shape: [3], requiresGrad: true)],
     [Tensor((0..<37).map { Float(cos(Double($0))) }, shape: [37], requiresGrad: true)]]
  }

  static func run(_ make: ([[Tensor]]) -> Optimizer, steps: Int = 12) -> [Float] {
    let groups = params()
    let opt = make(groups)
    for t in 0..<steps {
      for (j, p) in groups.joined().enumerated() {
        p.grad = Tensor((0..<p.count).map { i in Float(0.3 * sin(0.37 * Double(i) + Double(j) + 0.5 * Double(t))) }, shape: p.shape)
      }
      opt.step()
    }
    return groups.joined().flatMap(\.scalars)
  }

  static let lrs: HyperSetting = .perGroup([1e-2, 3e-2])

  func expectSame(_ a: [Float], _ b: [Float], sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(a, b, rtol: 1e-6, atol: 1e-7, sourceLocation: sourceLocation)
  }

  /// Cautious masking holds each update back until its parameter's count is known, across
  /// worker chunks: the two-pass loop must equal the cautious Adam written out per element.
  @Test func cautiousMaskCountsAcrossWorkerChunks() {
    let lr = [1e-2, 1e-2, 3e-2], wd = 0.1, mom = 0.9, sqrMom = 0.99, eps = 1e-5
    let fused = Self.run { CautiousAdam($0, lr: Self.lrs, mom: mom, sqrMom: sqrMom, eps: eps, wd: wd) }
    var expected: [Float] = []
    for (j, p0) in Self.params().joined().enumerated() {
      var p = p0.scalars.map(Double.init), m = [Double](repeating: 0, count: p.count), v = m
      for t in 0..<12 {
        let g = (0..<p.count).map { i in Double(Float(0.3 * sin(0.37 * Double(i) + Double(j) + 0.5 * Double(t)))) }
        let step = Double(t + 1), d1 = 1 - pow(mom, step), d2 = 1 - pow(sqrMom, step)
        var u = [Double](repeating: 0, count: p.count)
        for i in p.indices {
          p[i] *= 1 - lr[j] * wd
          m[i] = mom * m[i] + (1 - mom) * g[i]
          v[i] = sqrMom * v[i] + (1 - sqrMom) * g[i] * g[i]
          u[i] = -lr[j] / d1 * m[i] / ((v[i] / d2).squareRoot() + eps)
        }
        let kept = u.indices.filter { u[$0] * g[$0] < 0 }
        let scale = Double(p.count) / Double(kept.count + 1)
        for i in kept { p[i] += scale * u[i] }
      }
      expected += p.map(Float.init)
    }
    expectClose(fused, expected, rtol: 1e-4, atol: 1e-6)
  }

  @Test func fusedAdamEqualsTensorStepperAdam() {
    let fused = Self.run { Adam($0, lr: Self.lrs, wd: 0.1) }
    let tensor = Self.run { Optimizer($0, steppers: TensorSteppers.adam, defaults: ["lr": Self.lrs, "mom": 0.9, "sqr_mom": 0.99, "eps": 1e-5, "wd": 0.1]) }
    expectSame(fused, tensor)
  }

  @Test func seedStepperChainsFusedEqualTensor() {
    expectSame(Self.run { Optimizer($0, steppers: [.fused { SGDCallback() }], defaults: ["lr": Self.lrs]) },
               Self.run { Optimizer($0, steppers: SeedSteppers.sgd, defaults: ["lr": Self.lrs]) })
    expectSame(Self.run { Optimizer($0, steppers: SeedSteppers.momentumFused, defaults: ["lr": Self.lrs, "mom": 0.9]) },
               Self.run { Optimizer($0, steppers: SeedSteppers.momentum, defaults: ["lr": Self.lrs, "mom": 0.9]) })
    expectSame(Self.run { Optimizer($0, steppers: SeedSteppers.rmsPropFused, defaults: ["lr": Self.lrs, "square_mom": 0.99, "eps": 1e-8]) },
               Self.run { Optimizer($0, steppers: SeedSteppers.rmsProp, defaults: ["lr": Self.lrs, "square_mom": 0.99, "eps": 1e-8]) })
  }

  @Test func mixedChainsRunInOrder() {
    // A tensor stepper between fused stages sees the state the first stage wrote.
    let mixed = Self.run {
      Optimizer($0, steppers: [.fused { AverageGradCallback() }, .tensor(SeedSteppers.momentumStep)], defaults: ["lr": Self.lrs, "mom": 0.9])
    }
    expectSame(mixed, Self.run { Optimizer($0, steppers: SeedSteppers.momentum, defaults: ["lr": Self.lrs, "mom": 0.9]) })
  }

  /// fastai's Lookahead forwards its hypers to the optimizer inside: a schedule that sets
  /// `lr` on either reaches the other.
  @Test func lookaheadSharesHyperParametersWithTheOptimizerItWraps() {
    let p = Tensor([1, 2], shape: [2], requiresGrad: true)
    let inner = SGD([[p]], lr: 0.1, mom: 0.9)
    let wrapped = Lookahead(inner)
    inner.setHyper("lr", 0.5)
    #expect(wrapped.hypers[0]["lr"] == 0.5)
    wrapped.setHyper("mom", 0.8)
    #expect(inner.hypers[0]["mom"] == 0.8 && wrapped.hypers[0]["mom"] == 0.8)
    p.grad = Tensor([1, 1], shape: [2])
    wrapped.step()
    // The first step: slow weights snapshot, momentum buffer = g, p ← p − 0.5·g.
    #expect(p.scalars == [0.5, 1.5])
  }

  @Test func gradientClippingByGlobalNorm() {
    let p = Tensor([1, 1], shape: [2], requiresGrad: true), q = Tensor([1], shape: [1], requiresGrad: true)
    let opt = SGD([[p, q]], lr: 1)
    opt.clipGradNorm = 1
    p.grad = Tensor([3, 0], shape: [2])
    q.grad = Tensor([4], shape: [1])  // global norm 5 → scaled by 1/(5 + 1e-6)
    opt.step()
    let coefficient: Float = 1 / (5 + 1e-6)
    let expected: [Float] = [1 - 3 * coefficient, 1, 1 - 4 * coefficient]
    expectClose(p.scalars + q.scalars, expected, rtol: 1e-6, atol: 1e-7)
    #expect(abs(opt.lastGradNorm! - 5) < 1e-6)
  }

  @Test func gradientAccumulationAveragesBatches() {
    let p = Tensor([1, 2], shape: [2], requiresGrad: true)
    let opt = SGD([[p]], lr: 0.5)
    opt.accumulationSteps = 2
    p.grad = Tensor([1, 1], shape: [2])
    #expect(!opt.step())
    opt.zeroGrad()  // waits for the update
    p.grad!.add_(Tensor([3, 5], shape: [2]))
    #expect(opt.step())
    let expected: [Float] = [0, 0.5]  // p − 0.5 · (g₁ + g₂)/2
    #expect(p.scalars == expected)
    opt.zeroGrad(setToNone: false)  // fastai's zero_grad: zeros, in place
    #expect(p.grad!.scalars == [0, 0])
    opt.zeroGrad()  // PyTorch's default: no gradient until the next backward
    #expect(p.grad == nil)
  }

  @Test func hyperSettingsSpreadAsFastai() {
    let groups = (0..<3).map { _ in [Tensor.zeros([1])] }
    let opt = SGD(groups, lr: .range(1e-4, 1e-2), mom: 0.9)
    expectClose(opt.hypers.map { Float($0["lr"]!) }, [1e-4, 1e-3, 1e-2], rtol: 1e-6, atol: 0)
    opt.setHyper("lr", .upTo(1e-2))
    expectClose(opt.hypers.map { Float($0["lr"]!) }, [1e-3, 1e-3, 1e-2], rtol: 1e-6, atol: 0)
    opt.setHyper("mom", .perGroup([0.1, 0.2, 0.3]))
    #expect(opt.hypers.map { $0["mom"]! } == [0.1, 0.2, 0.3])
    #expect(opt.hypers[0]["wd"] == 0)  // from the steppers' defaults
  }

  @Test func freezingKeepsForceTrainParameters() {
    let a = Tensor.zeros([1], requiresGrad: true), bn = Tensor.zeros([1], requiresGrad: true), head = Tensor.zeros([1], requiresGrad: true)
    let opt = Adam([[a, bn], [head]], lr: 1e-3)
    opt.state(of: bn).forceTrain = true
    opt.state(of: bn).doWD = false
    opt.freeze()
    #expect(!a.requiresGrad && bn.requiresGrad && head.requiresGrad)
    opt.unfreeze()
    #expect(a.requiresGrad)
    opt.state(of: a).scalars["step"] = 3
    opt.clearState()
    #expect(opt.state(of: a).scalars.isEmpty && !opt.state(of: bn).doWD && opt.state(of: bn).forceTrain)
  }

  @Test func loadingAMismatchedStateNamesTheProblem() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-opt-\(UUID().uuidString).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Adam([[Tensor.zeros([2], requiresGrad: true)]], lr: 1e-3).save(to: path)
    let other = Adam([[Tensor.zeros([3], requiresGrad: true)]], lr: 1e-3)
    #expect(throws: OptimizerStateError.self) { try other.load(from: path) }
    do { try other.load(from: path) } catch { #expect("\(error)".contains(path) && "\(error)".contains("[3]")) }
  }
}
