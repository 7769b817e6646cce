import DescentTensor

// Cautious variants (Liang et al. 2024): the base optimizer's chain with `CautiousMask`
// appended, and the base optimizer's hyper-parameters, as the paper keeps them.

/// fastai's Adam (eps 1e-5, wd 0.01 decoupled) with cautious masking.
public func CautiousAdam(_ params: [[Tensor]], lr: HyperSetting, mom: Double = 0.9, sqrMom: Double = 0.99, eps: Double = 1e-5,
                         wd: Double = 0.01, decoupleWD: Bool = true) -> Optimizer {
  let steppers: [Stage] = [.fused {
    WeightDecay(decoupled: decoupleWD); AverageGrad(dampening: true); AverageSqrGrad(); StepStat(); AdamStep(); CautiousMask()
  }]
  return Optimizer(params, steppers: steppers,
                   defaults: ["lr": lr, "mom": .all(mom), "sqr_mom": .all(sqrMom), "eps": .all(eps), "wd": .all(wd)])
}

/// Lion (lr 1e-4, betas (0.9, 0.99), no weight decay, as `Lion`) with cautious masking.
public func CautiousLion(_ params: [[Tensor]], lr: HyperSetting, beta1: Double = 0.9, beta2: Double = 0.99, wd: Double = 0) -> Optimizer {
  Optimizer(params, steppers: [.fused { WeightDecay(); LionStep(); CautiousMask() }],
            defaults: ["lr": lr, "beta1": .all(beta1), "beta2": .all(beta2), "wd": .all(wd)])
}
