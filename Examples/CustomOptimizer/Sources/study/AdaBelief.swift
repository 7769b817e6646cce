import DescentOptim
import Foundation

/// AdaBelief (Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in
/// Observed Gradients"; the update of the `adabelief-pytorch` package), which Descent does not
/// ship: Adam whose second moment is the spread of g around its average,
/// s ← β2·s + (1 − β2)·(g − m)² + eps, and p ← p − lr/(1 − β1^t) · m / (√s/√(1 − β2^t) + eps).
/// Needs `StepStat` before it.
struct AdaBeliefStep: Stepper {
  let lr = Hyper("lr"), beta1 = Hyper("beta1", default: 0.9), beta2 = Hyper("beta2", default: 0.999)
  let eps = Hyper("eps", default: 1e-16), step = Hyper("step")
  let stepSize = Hyper("adabelief_step_size"), debias2Root = Hyper("adabelief_debias2_root")
  let avg = State("exp_avg"), belief = State("exp_avg_var")

  /// Once per parameter and step: the bias corrections, in Double.
  func begin(_ s: StepContext) {
    s[stepSize] = s[lr] / (1 - pow(s[beta1], s[step]))
    s[debias2Root] = (1 - pow(s[beta2], s[step])).squareRoot()
  }

  func step(_ s: inout Lanes) {
    let m = s[beta1] * s[avg] + s[1 - beta1] * s.g
    let residual = s.g - m
    let v = s[beta2] * s[belief] + s[1 - beta2] * (residual * residual) + s[eps]
    s[avg] = m
    s[belief] = v
    s.p -= s[stepSize] * (m / (sqrt(v) / s[debias2Root] + s[eps]))
  }
}

/// In the study at Adam's lr, with decoupled weight decay (AdamW-style, 0 unless --wd).
let adaBelief = OptimizerEntry("adabelief", title: "AdaBelief", lr: 1e-3) { groups, wd in
  Optimizer(groups, steppers: [.fused { WeightDecay(); StepStat(); AdaBeliefStep() }], defaults: ["lr": 1e-3, "wd": .all(wd ?? 0)])
}
