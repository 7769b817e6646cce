import DescentOptim

// The seed's RMSProp, written here as any optimizer author would: two steppers, each naming the
// hypers and state it reads and saying what it does to 8 elements; the optimizer fuses them
// into one pass over memory. The same math as Descent's `rmsprop`, so the two train alike.

/// The seed's `average_square_grad`: square_avg ← square_mom·square_avg + (1 − square_mom)·g².
struct AverageSquareGrad: Stepper { let squareMom = Hyper("square_mom"), squareAvg = State("square_avg")
  func step(_ s: inout Lanes) { s[squareAvg] = s[squareMom] * s[squareAvg] + s[1 - squareMom] * (s.g * s.g) }
}

/// The seed's `rms_prop_step`, which divides the raw gradient: p ← p − lr·g / (√square_avg + eps).
struct RawGradientRMSPropStep: Stepper { let lr = Hyper("lr"), eps = Hyper("eps"), squareAvg = State("square_avg")
  func step(_ s: inout Lanes) { s.p -= s[lr] * (s.g / (sqrt(s[squareAvg]) + s[eps])) }
}

/// In the study at the seed's lr, 3e-3; as in the seed, the steppers bring no defaults. Its step
/// reads p, g and square_avg and writes p and square_avg: 20 bytes a parameter, which `study
/// bench optim` measures its speed against.
let myRMSProp = OptimizerEntry("my-rmsprop", title: "RMSProp (my steppers)", lr: 3e-3, stepBytes: 20) { groups, _ in
  Optimizer(groups, steppers: [.fused { AverageSquareGrad(); RawGradientRMSPropStep() }],
            defaults: ["lr": 1e-3, "square_mom": 0.99, "eps": 1e-8])
}
