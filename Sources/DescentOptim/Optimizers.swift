import DescentTensor

// fastai's optimizers with fastai's defaults, as fused chains of steppers. Each takes the
// parameter groups and `decoupleWD`: true weight decay (p ← p·(1 − lr·wd)) first in the chain,
// or L2 regularization (g ← g + wd·p) — `WeightDecay(decoupled:)` either way.

/// SGD, with momentum when `mom` ≠ 0 (fastai's `SGD`).
public func SGD(_ params: [[Tensor]], lr: HyperSetting, mom: Double = 0, wd: Double = 0, decoupleWD: Bool = true) -> Optimizer {
  let steppers: [Stage] = mom != 0
    ? [.fused { WeightDecay(decoupled: decoupleWD); AverageGrad(); MomentumStep() }]
    : [.fused { WeightDecay(decoupled: decoupleWD); SGDStep() }]
  return Optimizer(params, steppers: steppers, defaults: withMomentum(mom, ["lr": lr, "wd": .all(wd)]))
}

/// `defaults` with `mom` where there is momentum: without it no stepper reads `mom`, so it is
/// left out and setting it is refused.
private func withMomentum(_ mom: Double, _ defaults: [String: HyperSetting]) -> [String: HyperSetting] {
  mom != 0 ? defaults.merging(["mom": .all(mom)]) { a, _ in a } : defaults
}

/// RMSProp (fastai's `RMSProp`). Unlike fastai 2.8, whose `RMSProp` drops its `eps` argument
/// (the step's default 1e-8 always wins), `eps` here takes effect.
public func RMSProp(_ params: [[Tensor]], lr: HyperSetting, mom: Double = 0, sqrMom: Double = 0.99, eps: Double = 1e-8,
                    wd: Double = 0, decoupleWD: Bool = true) -> Optimizer {
  let steppers: [Stage] = mom != 0
    ? [.fused { WeightDecay(decoupled: decoupleWD); AverageGrad(); AverageSqrGrad(); RMSPropStep() }]
    : [.fused { WeightDecay(decoupled: decoupleWD); AverageSqrGrad(); RMSPropStep() }]
  return Optimizer(params, steppers: steppers,
                   defaults: withMomentum(mom, ["lr": lr, "sqr_mom": .all(sqrMom), "eps": .all(eps), "wd": .all(wd)]))
}

/// Adam, or AdamW with decoupled weight decay (fastai's `Adam`: eps 1e-5, wd 0.01 decoupled).
public func Adam(_ params: [[Tensor]], lr: HyperSetting, mom: Double = 0.9, sqrMom: Double = 0.99, eps: Double = 1e-5,
                 wd: Double = 0.01, decoupleWD: Bool = true) -> Optimizer {
  let steppers: [Stage] = [.fused { WeightDecay(decoupled: decoupleWD); AverageGrad(dampening: true); AverageSqrGrad(); StepStat(); AdamStep() }]
  return Optimizer(params, steppers: steppers,
                   defaults: ["lr": lr, "mom": .all(mom), "sqr_mom": .all(sqrMom), "eps": .all(eps), "wd": .all(wd)])
}

/// RAdam (fastai's `RAdam`; `beta` ≠ 0 gives SAdam).
public func RAdam(_ params: [[Tensor]], lr: HyperSetting, mom: Double = 0.9, sqrMom: Double = 0.99, eps: Double = 1e-5,
                  wd: Double = 0, beta: Double = 0, decoupleWD: Bool = true) -> Optimizer {
  let steppers: [Stage] = [.fused { WeightDecay(decoupled: decoupleWD); AverageGrad(dampening: true); AverageSqrGrad(); StepStat(); RAdamStep() }]
  return Optimizer(params, steppers: steppers,
                   defaults: ["lr": lr, "mom": .all(mom), "sqr_mom": .all(sqrMom), "eps": .all(eps), "wd": .all(wd),
                              "beta": .all(beta)])
}

/// QHAdam (fastai's `QHAdam`).
public func QHAdam(_ params: [[Tensor]], lr: HyperSetting, mom: Double = 0.999, sqrMom: Double = 0.999, nu1: Double = 0.7,
                   nu2: Double = 1.0, eps: Double = 1e-8, wd: Double = 0, decoupleWD: Bool = true) -> Optimizer {
  let steppers: [Stage] = [.fused {
    WeightDecay(decoupled: decoupleWD); AverageGrad(dampening: true); AverageSqrGrad(dampening: true); StepStat(); QHAdamStep()
  }]
  return Optimizer(params, steppers: steppers,
                   defaults: ["lr": lr, "mom": .all(mom), "sqr_mom": .all(sqrMom), "nu_1": .all(nu1), "nu_2": .all(nu2),
                              "eps": .all(eps), "wd": .all(wd)])
}

/// LARC (`clip` true) or LARS (fastai's `Larc`). The norms are reduced in the first fused stage,
/// the step taken in the second.
public func Larc(_ params: [[Tensor]], lr: HyperSetting, mom: Double = 0.9, clip: Bool = true, trustCoeff: Double = 0.02,
                 eps: Double = 1e-8, wd: Double = 0, decoupleWD: Bool = true) -> Optimizer {
  let first: Stage = mom != 0
    ? .fused { WeightDecay(decoupled: decoupleWD); AverageGrad(); LarcLayerLR(clip: clip) }
    : .fused { WeightDecay(decoupled: decoupleWD); LarcLayerLR(clip: clip) }
  return Optimizer(params, steppers: [first, .fused { LarcStep() }],
                   defaults: withMomentum(mom, ["lr": lr, "trust_coeff": .all(trustCoeff), "eps": .all(eps), "wd": .all(wd)]))
}

/// LAMB (fastai's `Lamb`).
public func Lamb(_ params: [[Tensor]], lr: HyperSetting, mom: Double = 0.9, sqrMom: Double = 0.99, eps: Double = 1e-5,
                 wd: Double = 0, decoupleWD: Bool = true) -> Optimizer {
  let first: Stage = .fused { WeightDecay(decoupled: decoupleWD); AverageGrad(dampening: true); AverageSqrGrad(); StepStat(); LambTrustRatio() }
  return Optimizer(params, steppers: [first, .fused { LambStep() }],
                   defaults: ["lr": lr, "mom": .all(mom), "sqr_mom": .all(sqrMom), "eps": .all(eps), "wd": .all(wd)])
}

/// Lookahead around each of `optimizer`'s chains (fastai's `Lookahead`): slow weights, copied from the
/// parameters at the first step, move `alpha` of the way to the fast weights every `k` steps,
/// and the fast weights restart from them. Hyper-parameters are shared as fastai's wrapper
/// forwards them: `setHyper` on the result or on `optimizer` sets both.
public func Lookahead(_ optimizer: Optimizer, k: Int = 6, alpha: Double = 0.5) -> Optimizer {
  precondition(k >= 1, "Lookahead: k must be at least 1, not \(k)")
  let wrapped = Optimizer(optimizer.paramGroups, chains: optimizer.chains.map { [.tensor(LookaheadSnapshot())] + $0 + [.tensor(LookaheadSync(k: k, alpha: alpha))] },
                          route: { _ in optimizer.routes })
  wrapped.hypers = optimizer.hypers
  wrapped.hyperFollower = optimizer
  optimizer.hyperLeader = wrapped
  return wrapped
}

/// Lookahead's first stage: the slow weights, copied from the parameters at the first step.
struct LookaheadSnapshot: WholeTensorStepper {
  let slow = State("slow_p", startsAtParameter: true)
  func step(_ s: StepContext) { _ = s[slow] }
}

/// Lookahead's last stage: every `k` steps the slow weights move `alpha` of the way to the fast
/// ones, and the fast weights restart from them.
struct LookaheadSync: WholeTensorStepper {
  let slow = State("slow_p", startsAtParameter: true)
  let k: Int, alpha: Double

  func step(_ s: StepContext) {
    let count = (s.state.scalars["lookahead_count"] ?? 0) + 1
    s.setScalar("lookahead_count", count)
    guard Int(count) % k == 0 else { return }
    s[slow].lerp_(s.param, weight: Float(alpha))
    s.param.copy_(s[slow])
  }
}

/// fastai's `ranger`: Lookahead over RAdam with mom 0.95, wd 0.01, eps 1e-6.
public func Ranger(_ params: [[Tensor]], lr: HyperSetting, mom: Double = 0.95, sqrMom: Double = 0.99, eps: Double = 1e-6,
                   wd: Double = 0.01, beta: Double = 0, k: Int = 6, alpha: Double = 0.5, decoupleWD: Bool = true) -> Optimizer {
  Lookahead(RAdam(params, lr: lr, mom: mom, sqrMom: sqrMom, eps: eps, wd: wd, beta: beta, decoupleWD: decoupleWD), k: k, alpha: alpha)
}

/// Lion (`lion-pytorch`'s defaults: lr 1e-4, betas (0.9, 0.99), no weight decay): decoupled
/// weight decay, then the sign of the interpolated momentum, in one fused loop.
public func Lion(_ params: [[Tensor]], lr: HyperSetting, beta1: Double = 0.9, beta2: Double = 0.99, wd: Double = 0) -> Optimizer {
  Optimizer(params, steppers: [.fused { WeightDecay(); LionStep() }],
            defaults: ["lr": lr, "beta1": .all(beta1), "beta2": .all(beta2), "wd": .all(wd)])
}

/// ADOPT (`pytorch-optimizer`'s defaults: lr 1e-3, betas (0.9, 0.9999), eps 1e-6, clipping at
/// step^¼, weight decay as L2 on the gradient unless decoupled).
public func ADOPT(_ params: [[Tensor]], lr: HyperSetting, beta1: Double = 0.9, beta2: Double = 0.9999, eps: Double = 1e-6,
                  wd: Double = 0, decoupleWD: Bool = false) -> Optimizer {
  let steppers: [Stage] = [.fused { WeightDecay(decoupled: decoupleWD); StepStat(); AdoptStep() }]
  return Optimizer(params, steppers: steppers,
                   defaults: ["lr": lr, "beta1": .all(beta1), "beta2": .all(beta2), "eps": .all(eps), "wd": .all(wd)])
}

/// AdEMAMix (`pytorch-optimizer`'s defaults: lr 1e-3, betas (0.9, 0.999, 0.9999), alpha 5,
/// eps 1e-8, no alpha/beta3 warm-up unless `tAlphaBeta3` > 0, L2 weight decay unless decoupled).
public func AdEMAMix(_ params: [[Tensor]], lr: HyperSetting, beta1: Double = 0.9, beta2: Double = 0.999,
                     beta3: Double = 0.9999, alpha: Double = 5, tAlphaBeta3: Double = 0, eps: Double = 1e-8,
                     wd: Double = 0, decoupleWD: Bool = false) -> Optimizer {
  let steppers: [Stage] = [.fused { WeightDecay(decoupled: decoupleWD); StepStat(); AdEMAMixStep() }]
  return Optimizer(params, steppers: steppers, defaults: [
    "lr": lr, "beta1": .all(beta1), "beta2": .all(beta2), "beta3": .all(beta3), "alpha": .all(alpha),
    "t_alpha_beta3": .all(tAlphaBeta3), "eps": .all(eps), "wd": .all(wd),
  ])
}

/// Schedule-Free AdamW (`schedulefree`'s `AdamWScheduleFree` defaults: lr 2.5e-3, betas (0.9,
/// 0.999), eps 1e-8, no warm-up, weight_lr_power 2, r 0; weight decay at y on the normalized
/// gradient). Train with a constant lr (`fit`) and `ScheduleFreeCallback`, which swaps the
/// parameters to x for validation.
public func ScheduleFreeAdamW(_ params: [[Tensor]], lr: HyperSetting, beta1: Double = 0.9, beta2: Double = 0.999,
                              eps: Double = 1e-8, wd: Double = 0, warmupSteps: Int = 0, r: Double = 0,
                              weightLRPower: Double = 2) -> Optimizer {
  Optimizer(params, steppers: [.fused { ScheduleFreeStat(); ScheduleFreeAdamWStep() }], defaults: [
    "lr": lr, "beta1": .all(beta1), "beta2": .all(beta2), "eps": .all(eps), "wd": .all(wd),
    "warmup_steps": .all(Double(warmupSteps)), "r": .all(r), "weight_lr_power": .all(weightLRPower),
  ])
}

/// Schedule-Free SGD (`schedulefree`'s `SGDScheduleFree` defaults: lr 1, momentum 0.9, no
/// warm-up, weight_lr_power 2, r 0).
public func ScheduleFreeSGD(_ params: [[Tensor]], lr: HyperSetting, momentum: Double = 0.9, wd: Double = 0,
                            warmupSteps: Int = 0, r: Double = 0, weightLRPower: Double = 2) -> Optimizer {
  Optimizer(params, steppers: [.fused { ScheduleFreeStat(); ScheduleFreeSGDStep() }], defaults: [
    "lr": lr, "beta1": .all(momentum), "wd": .all(wd),
    "warmup_steps": .all(Double(warmupSteps)), "r": .all(r), "weight_lr_power": .all(weightLRPower),
  ])
}

/// Prodigy (`prodigyopt`'s defaults: lr 1 — a multiplier of the estimated d, not a step size —
/// betas (0.9, 0.999), beta3 √beta2, eps 1e-8, d0 1e-6, decoupled weight decay, no bias
/// correction). Every group must share one lr (or have 0), as in the package.
public func Prodigy(_ params: [[Tensor]], lr: HyperSetting = 1, beta1: Double = 0.9, beta2: Double = 0.999,
                    beta3: Double? = nil, eps: Double = 1e-8, wd: Double = 0, decoupleWD: Bool = true,
                    d0: Double = 1e-6, dCoef: Double = 1, growthRate: Double = .infinity,
                    biasCorrection: Bool = false, safeguardWarmup: Bool = false) -> Optimizer {
  // Decoupled decay is the last stage's (at d·lr); L2 decays the gradient first.
  let stats: Stage = decoupleWD ? .fused { ProdigyStats() } : .fused { WeightDecay(decoupled: false); ProdigyStats() }
  return Optimizer(params, steppers: [stats, .global(ProdigyEstimate()), .fused { ProdigyStep(decoupled: decoupleWD) }], defaults: [
    "lr": lr, "beta1": .all(beta1), "beta2": .all(beta2), "beta3": .all(beta3 ?? beta2.squareRoot()), "eps": .all(eps),
    "wd": .all(wd), "d0": .all(d0), "d_coef": .all(dCoef), "growth_rate": .all(growthRate),
    "use_bias_correction": .all(biasCorrection ? 1 : 0), "safeguard_warmup": .all(safeguardWarmup ? 1 : 0),
  ])
}

/// Adafactor (`torch.optim.Adafactor`'s defaults: lr 1e-2 — the cap on the relative step
/// min(lr, 1/√t) — beta2_decay −0.8, eps (float32's ε, 1e-3), clip threshold 1, decoupled
/// weight decay p ← p·(1 − lr·wd)). Second moments factored over the last two dimensions of
/// every parameter of rank ≥ 2.
public func Adafactor(_ params: [[Tensor]], lr: HyperSetting = 1e-2, beta2Decay: Double = -0.8,
                      eps1: Double = Double(Float.ulpOfOne), eps2: Double = 1e-3, clipThreshold: Double = 1,
                      wd: Double = 0) -> Optimizer {
  Optimizer(params, steppers: [.global(AdafactorStep())], defaults: [
    "lr": lr, "beta2_decay": .all(beta2Decay), "eps1": .all(eps1), "eps2": .all(eps2),
    "clip_threshold": .all(clipThreshold), "wd": .all(wd),
  ])
}
