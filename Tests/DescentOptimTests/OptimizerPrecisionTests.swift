import Foundation
import Testing
@testable import DescentOptim
import DescentTensor

/// fastai's precision: each optimizer runs the 25 steps of Reference/optimizer_precision.py
/// (a one-element tensor, two groups with different lr, a gradient 30× larger every 7th step)
/// and must stay as close to the exact (float64) trajectory as its reference's own float32 run
/// does (fastai's, or the package's for newer optimizers): on every tensor,
/// max |p − p64| ≤ 2 × the reference's float32 error + 1e-7 × max |p64|.
@Suite struct OptimizerPrecisionTests {
  static let shapes: [[[Int]]] = [[[1], [3, 4]], [[7], [2, 5]]]
  static let lrs: HyperSetting = .perGroup([1e-2, 3e-3])

  static func run(_ make: ([[Tensor]]) -> Optimizer, atEnd: (Optimizer) -> Void = { _ in }) -> [[Float]] {
    var j = 0
    let groups = shapes.map { group in
      group.map { shape -> Tensor in
        let n = Shape.count(shape)
        let values = (0..<n).map { i in Float(0.8 * sin(0.23 * Double(i) + Double(j)) + 0.1) }
        j += 1
        return Tensor(values, shape: shape, requiresGrad: true)
      }
    }
    let opt = make(groups)
    let params = Array(groups.joined())
    opt.state(of: params[1]).doWD = false
    for t in 0..<25 {
      let scale: Double = t % 7 == 6 ? 30 : 1
      for (j, p) in params.enumerated() {
        let g = (0..<p.count).map { i -> Float in
          let wave: Double = 0.5 * sin(0.37 * Double(i) + 0.7 * Double(j) + 0.3 * Double(t))
          return Float(scale * (wave + 0.05 * Double(t % 3)))
        }
        p.grad = Tensor(g, shape: p.shape)
      }
      opt.step()
    }
    atEnd(opt)
    return params.map(\.scalars)
  }

  /// Muon's rule as torch.optim.Muon takes parameters: rank ≥ 2 → Muon, the rest AdamW.
  static let matrices = MuonRule { groups in groups.map { $0.map { $0.rank >= 2 } } }

  static var cases: [String: ([[Tensor]]) -> Optimizer] { [
    "sgd": { SGD($0, lr: lrs) },
    "sgdWD": { SGD($0, lr: lrs, wd: 0.1) },
    "sgdL2": { SGD($0, lr: lrs, wd: 0.1, decoupleWD: false) },
    "momentum": { SGD($0, lr: lrs, mom: 0.9, wd: 0.1) },
    "rmsprop": { RMSProp($0, lr: lrs) },
    "rmspropMomEps": { RMSProp($0, lr: lrs, mom: 0.9, eps: 1e-3, wd: 0.1) },
    "adam": { Adam($0, lr: lrs) },
    "adamNoWD": { Adam($0, lr: lrs, wd: 0) },
    "adamL2": { Adam($0, lr: lrs, wd: 0.1, decoupleWD: false) },
    "radam": { RAdam($0, lr: lrs, wd: 0.1) },
    "sadam": { RAdam($0, lr: lrs, beta: 2) },
    "qhadam": { QHAdam($0, lr: lrs, wd: 0.1) },
    "larc": { Larc($0, lr: lrs, wd: 0.1) },
    "lars": { Larc($0, lr: lrs, mom: 0, clip: false) },
    "lamb": { Lamb($0, lr: lrs, wd: 0.1) },
    "lookahead": { Lookahead(SGD($0, lr: lrs, mom: 0.9), k: 6, alpha: 0.5) },
    "ranger": { Ranger($0, lr: lrs) },
    "customSGD": { Optimizer($0, steppers: SeedSteppers.sgd, defaults: ["lr": lrs]) },
    "customMomentum": { Optimizer($0, steppers: SeedSteppers.momentum, defaults: ["lr": lrs, "mom": 0.9]) },
    "customRMSProp": { Optimizer($0, steppers: SeedSteppers.rmsProp, defaults: ["lr": lrs, "square_mom": 0.99, "eps": 1e-8]) },
    // Against lion-pytorch.
    "lion": { Lion($0, lr: lrs) },
    "lionWD": { Lion($0, lr: lrs, wd: 0.1) },
    // Against pytorch-optimizer.
    "adopt": { ADOPT($0, lr: lrs) },
    "adoptL2": { ADOPT($0, lr: lrs, wd: 0.1) },
    "ademamix": { AdEMAMix($0, lr: lrs) },
    "ademamixWarmupL2": { AdEMAMix($0, lr: lrs, tAlphaBeta3: 10, wd: 0.1) },
    // Cautious masking appended to a chain: against fastai's Adam with the paper's mask as a
    // fastai stepper, and against pytorch-optimizer's `cautious=True`.
    "cautiousAdam": { CautiousAdam($0, lr: lrs, wd: 0.1) },
    "cautiousLionWD": { CautiousLion($0, lr: lrs, wd: 0.1) },
    "cautiousAdoptL2": {
      Optimizer($0, steppers: [.fused { WeightDecay(decoupled: false); StepStat(); AdoptStep(); CautiousMask() }],
                defaults: ["lr": lrs, "beta1": 0.9, "beta2": 0.9999, "eps": 1e-6, "wd": 0.1])
    },
    // Against schedulefree; "…Eval" cases end at x (ScheduleFree.eval), as the package's eval().
    "sfAdamW": { ScheduleFreeAdamW($0, lr: lrs) },
    "sfAdamWWarmupWDEval": { ScheduleFreeAdamW($0, lr: lrs, wd: 0.1, warmupSteps: 5) },
    "sfSGDWarmupWD": { ScheduleFreeSGD($0, lr: lrs, wd: 0.1, warmupSteps: 5) },
    "sfSGDEval": { ScheduleFreeSGD($0, lr: lrs, r: 1, weightLRPower: 0) },
    // Against torch.optim.Adafactor.
    "adafactor": { Adafactor($0, lr: lrs) },
    "adafactorWDClip": { Adafactor($0, lr: lrs, clipThreshold: 1.5, wd: 0.1) },
    // Against prodigyopt, at one lr for every group as the package requires.
    "prodigy": { Prodigy($0, lr: 1) },
    "prodigyWD": { Prodigy($0, lr: 1, wd: 0.1) },
    "prodigyWDGrowth": { Prodigy($0, lr: 1, wd: 0.1, dCoef: 2, growthRate: 1.2) },
    "prodigyL2BiasCorrectionSafeguard": {
      Prodigy($0, lr: 0.5, wd: 0.1, decoupleWD: false, d0: 1e-3, biasCorrection: true, safeguardWarmup: true)
    },
    // Against torch.optim.Muon (Newton–Schulz in float32) with torch.optim.AdamW on the vectors.
    "muon": { Muon($0, lr: lrs, wd: 0.1, rule: matrices) },
    "muonNoNesterov": { Muon($0, lr: lrs, nesterov: false, wd: 0.1, rule: matrices) },
    "muonOriginalLR": { Muon($0, lr: lrs, wd: 0.1, adjustLR: .original, rule: matrices) },
  ] }

  @Test(arguments: OptimizerPrecisionReference.exact.keys.sorted())
  func asCloseToTheExactTrajectoryAsItsReference(_ name: String) throws {
    let make = try #require(Self.cases[name], "no Swift case for \(name)")
    let exact = try #require(OptimizerPrecisionReference.exact[name])
    let referenceError = try #require(OptimizerPrecisionReference.float32Error[name])
    var offset = 0
    let atEnd: (Optimizer) -> Void = name.hasSuffix("Eval") ? { ScheduleFree.eval($0) } : { _ in }
    for (k, p) in Self.run(make, atEnd: atEnd).enumerated() {
      let reference = exact[offset..<(offset + p.count)]
      offset += p.count
      let error = zip(p, reference).map { abs(Double($0) - $1) }.max()!
      let bound = 2 * referenceError[k] + 1e-7 * reference.map(abs).max()!
      #expect(error <= bound, "\(name), tensor \(k): error \(error) against the float64 trajectory, bound \(bound) (the reference's float32: \(referenceError[k]))")
    }
  }
}
