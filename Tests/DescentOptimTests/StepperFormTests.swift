import Foundation
import Testing
@testable import DescentOptim
import DescentTensor

/// The `Stepper` form as a user meets it: hypers and buffers named once as properties, defaults
/// declared with them, a stepper from another module fused, a buffer read under a condition,
/// complements taken in Double, and names that cannot be bound refused.
@Suite struct StepperFormTests {
  @Test func defaultsComeFromTheDeclaredHypers() {
    #expect(AdoptStep().defaults == ["eps": 1e-6, "beta1": 0.9, "beta2": 0.9999])
    #expect(LionStep().defaults == ["beta1": 0.9, "beta2": 0.99])
    let chain = StepperPair(WeightDecay(), StepperPair(AverageGrad(), AverageSqrGrad()))
    #expect(chain.defaults == ["wd": 0, "mom": 0.9, "sqr_mom": 0.99])
    let opt = Optimizer([Tensor([1, 2], shape: [2], requiresGrad: true)], steppers: [.fused { chain }], defaults: ["lr": 0.1, "mom": 0.5])
    #expect(opt.hypers[0] == ["lr": 0.1, "mom": 0.5, "wd": 0, "sqr_mom": 0.99])
  }

  /// A stepper written here, in another module, as a user writes one: no annotations.
  struct Nesterov: Stepper {
    let lr = Hyper("lr"), mom = Hyper("mom"), avg = State("grad_avg")
    func step(_ s: inout Lanes) {
      s[avg] = s[mom] * s[avg] + s.g
      s.p -= s[lr] * (s.g + s[mom] * s[avg])
    }
  }

  @Test func aUsersStepperFusesAcrossModules() {
    let p = Tensor([1, -2, 3], shape: [3], requiresGrad: true)
    let opt = Optimizer([p], steppers: [.fused { Nesterov() }], defaults: ["lr": 0.1, "mom": 0.9])
    var m: [Double] = [0, 0, 0], x: [Double] = [1, -2, 3]
    for t in 0..<3 {
      let g = [0.5, -0.25 * Double(t), 1]
      p.grad = Tensor(g.map(Float.init), shape: [3])
      opt.step()
      for i in 0..<3 {
        m[i] = 0.9 * m[i] + g[i]
        x[i] -= 0.1 * (g[i] + 0.9 * m[i])
      }
    }
    expectClose(p.scalars, x.map(Float.init), rtol: 1e-6, atol: 1e-7)
    #expect(opt.state(of: p).buffers.keys.sorted() == ["grad_avg"])
  }

  /// An optional buffer is bound where it exists and never created: `s.has` says which.
  struct OptionalMomentum: Stepper {
    let lr = Hyper("lr"), avg = State("grad_avg", optional: true)
    func step(_ s: inout Lanes) { s.p -= s[lr] * (s.has(avg) ? s[avg] : s.g) }
  }

  @Test func aConditionalBufferIsBoundOnlyWhereItExists() {
    let a = Tensor([1, 1], shape: [2], requiresGrad: true), b = Tensor([1, 1], shape: [2], requiresGrad: true)
    let opt = Optimizer([a, b], steppers: [.fused { OptimizationOnlyForA(); OptionalMomentum() }], defaults: ["lr": 0.5])
    a.grad = Tensor([1, 2], shape: [2])
    b.grad = Tensor([1, 2], shape: [2])
    opt.state(of: a).buffers["grad_avg"] = Tensor([4, 4], shape: [2])
    opt.step()
    #expect(a.scalars == [-1, -1])  // 1 − 0.5·4
    #expect(b.scalars == [0.5, 0])  // 1 − 0.5·g
    #expect(opt.state(of: b).buffers.isEmpty)
  }

  /// Does nothing: there so that the chain under test is a pair.
  struct OptimizationOnlyForA: Stepper {}

  /// `1 - h` is the complement taken in Double, then rounded once.
  @Test func complementIsTakenInDouble() {
    struct Damp: Stepper {
      let beta = Hyper("beta"), out = State("out")
      func step(_ s: inout Lanes) { s[out] = s[1 - beta] }
    }
    let p = Tensor([0, 0], shape: [2], requiresGrad: true)
    p.grad = Tensor([0, 0], shape: [2])
    let opt = Optimizer([p], steppers: [.fused { Damp() }], defaults: ["beta": 0.999])
    opt.step()
    #expect(opt.state(of: p).buffers["out"]!.scalars == [Float(1 - 0.999), Float(1 - 0.999)])
    #expect(Float(1 - 0.999) != 1 - Float(0.999))
  }
}

/// A `Hyper` that is not a stored property of the chain (a global, or one made inside `step`)
/// cannot be bound to each parameter: reading it stops the program, saying so.
@Suite struct StepperNameRefusalTests {
  @Test func aHyperMadeInsideStepIsRefused() async {
    await #expect(processExitsWith: .failure) {
      struct Inline: Stepper {
        func step(_ s: inout Lanes) { s.p -= s[Hyper("lr")] * s.g }
      }
      let p = Tensor([1], shape: [1], requiresGrad: true)
      p.grad = Tensor([1], shape: [1])
      Optimizer([p], steppers: [.fused { Inline() }], defaults: ["lr": 0.1]).step()
    }
  }
}

/// Steppers that need a whole tensor, or every parameter at once, are written in the same
/// surface: `Hyper`/`State` properties, from which the optimizer takes their names and defaults.
@Suite struct WholeTensorStepperTests {
  /// LARS-like: p ← p − lr·(‖p‖/‖m‖)·m, m ← mom·m + g: needs both norms before anything moves.
  struct TrustRatioStep: WholeTensorStepper {
    let lr = Hyper("lr"), mom = Hyper("mom", default: 0.5), avg = State("grad_avg")
    func step(_ s: StepContext) {
      s[avg].mul_(Float(s[mom])).add_(s.grad)
      let ratio = WholeTensorStepperTests.norm(s.param) / WholeTensorStepperTests.norm(s[avg])
      s.param.add_(s[avg], alpha: Float(-s[lr] * ratio))
    }
  }

  /// torch's `clip_grad_norm_` over every parameter of the step, then plain SGD.
  struct ClipGradNorm: AllParametersStepper {
    let maxNorm = Hyper("max_norm", default: 1)
    var readsGradients: Bool { true }
    func step(_ all: [StepContext]) {
      let total = all.reduce(0.0) { $0 + WholeTensorStepperTests.norm($1.grad) * WholeTensorStepperTests.norm($1.grad) }.squareRoot()
      let scale = Swift.min(1, all[0][maxNorm] / (total + 1e-6))
      for s in all { s.grad.mul_(Float(scale)) }
    }
  }

  static func norm(_ t: Tensor) -> Double { Double((t * t).sum().item()).squareRoot() }

  struct SGDStep: Stepper {
    let lr = Hyper("lr")
    func step(_ s: inout Lanes) { s.p -= s[lr] * s.g }
  }

  @Test func aWholeTensorStepperMatchesItsFormula() {
    let p = Tensor([3, -4], shape: [2], requiresGrad: true)
    let opt = Optimizer([p], steppers: [.tensor(TrustRatioStep())], defaults: ["lr": 0.1])
    #expect(opt.hypers[0] == ["lr": 0.1, "mom": 0.5])
    #expect(opt.hyperNames == ["lr", "mom"])
    var x = [3.0, -4.0], m = [0.0, 0.0]
    for t in 0..<3 {
      let g = [1.0 + Double(t), -0.5]
      p.grad = Tensor(g.map(Float.init), shape: [2])
      opt.step()
      m = zip(m, g).map { 0.5 * $0 + $1 }
      let ratio = (x[0] * x[0] + x[1] * x[1]).squareRoot() / (m[0] * m[0] + m[1] * m[1]).squareRoot()
      x = zip(x, m).map { $0 - 0.1 * ratio * $1 }
    }
    expectClose(p.scalars, x.map(Float.init), rtol: 1e-6, atol: 1e-6)
  }

  @Test func anAllParametersStepperSeesEveryParameter() {
    let a = Tensor([1, 1], shape: [2], requiresGrad: true), b = Tensor([1], shape: [1], requiresGrad: true)
    let opt = Optimizer([a, b], steppers: [.global(ClipGradNorm()), .fused { SGDStep() }], defaults: ["lr": 1, "max_norm": 2.5])
    #expect(opt.hyperNames == ["lr", "max_norm"])
    a.grad = Tensor([3, 0], shape: [2])
    b.grad = Tensor([4], shape: [1])
    opt.step()
    // ‖(3, 0, 4)‖ = 5: every gradient halved (to within clip_grad_norm_'s 1e-6).
    expectClose(a.scalars, [1 - 1.5, 1], rtol: 1e-5, atol: 1e-6)
    expectClose(b.scalars, [1 - 2], rtol: 1e-5, atol: 1e-6)
  }
}

/// A hyper-parameter name that no stepper of the optimizer reads is refused (Lion has `beta1`
/// and `beta2`, not `betas` or `mom`), while the Learner's schedules set any name, as fastai's.
@Suite struct HyperNameRefusalTests {
  @Test func theNamesAnOptimizerReadsAreItsSteppers() throws {
    let p = Tensor([1], shape: [1], requiresGrad: true)
    #expect(Lion([[p]], lr: 1e-4).hyperNames == ["lr", "wd", "weight_decay_factor", "beta1", "beta2"])
    #expect(try #require(Muon([[p]]).hyperNames).isSuperset(of: ["lr", "wd", "muon_mom", "ns_steps", "muon_eps", "mom", "sqr_mom", "eps"]))
    // A tensor stepper that does not say what it reads leaves the names unknown: nothing is refused.
    #expect(Optimizer([p], steppers: [.tensor(TensorStepper("opaque") { _ in })]).hyperNames == nil)
  }

  /// fit_one_cycle sets `mom` on every optimizer, as fastai's does: Lion ignores it.
  @Test func aScheduleSetsAnyName() {
    let p = Tensor([1], shape: [1], requiresGrad: true)
    let opt = Lion([[p]], lr: 1e-4)
    opt.setScheduledHyper("mom", .all(0.9))
    opt.setScheduledHyper("lr", .all(3e-4))
    #expect(opt.hypers[0]["mom"] == 0.9)
    #expect(opt.hypers[0]["lr"] == 3e-4)
  }

  @Test func anUnreadNameIsRefused() async {
    await #expect(processExitsWith: .failure) {
      let p = Tensor([1], shape: [1], requiresGrad: true)
      Lion([[p]], lr: 1e-4).setHyper("betas", .all(0.9))
    }
    await #expect(processExitsWith: .failure) {
      let p = Tensor([1], shape: [1], requiresGrad: true)
      _ = Optimizer([p], steppers: [.fused { LionStep() }], defaults: ["lr": 1e-4, "mom": 0.9])
    }
  }
}

/// A Hyper property with no value — a typo, or a stepper that needs another before it (Adam's
/// step without StepStat) — is refused on the first step, naming it.
@Suite struct UnboundHyperTests {
  @Test func aHyperWithNoValueIsRefused() async {
    await #expect(processExitsWith: .failure) {
      let p = Tensor([1], shape: [1], requiresGrad: true)
      p.grad = Tensor([1], shape: [1])
      Optimizer([p], steppers: [.fused { AverageGrad(dampening: true); AverageSqrGrad(); AdamStep() }],
                defaults: ["lr": 1e-3, "eps": 1e-5]).step()
    }
  }
}
