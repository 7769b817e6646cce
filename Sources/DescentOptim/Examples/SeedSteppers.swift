import DescentTensor

/// The seed's five custom steppers as a library user writes them, both ways: tensor steppers
/// (whole tensors, as in fastai) and element steppers (fused into one loop). The README shows
/// the same code; `descent compare` trains with the fused chains below, and the tests check
/// both forms against fastai and against each other.
public enum SeedSteppers {
  // Tensor steppers.
  public static var sgdCB: TensorStepper { TensorStepper("sgd_cb") { s in s.param.add_(s.grad, alpha: -s["lr"]) } }
  public static var averageGrad: TensorStepper { TensorStepper("average_grad", defaults: ["mom": 0.9]) { s in
    s.buffer("grad_avg").mul_(s["mom"]).add_(s.grad)
  } }
  public static var momentumStep: TensorStepper { TensorStepper("momentum_step") { s in
    s.param.add_(s.buffer("grad_avg"), alpha: -s["lr"])
  } }
  public static var averageSquareGrad: TensorStepper { TensorStepper("average_square_grad", defaults: ["sqr_mom": 0.99]) { s in
    s.buffer("sqr_avg").mul_(s["sqr_mom"]).addcmul_(s.grad, s.grad, value: 1 - s["sqr_mom"])
  } }
  public static var rmsPropStep: TensorStepper { TensorStepper("rms_prop_step", defaults: ["eps": 1e-8]) { s in
    let denom = s.buffer("sqr_avg").sqrt() + s["eps"]
    s.param.addcdiv_(s.existingBuffer("grad_avg") ?? s.grad, denom, value: -s["lr"])
  } }

  public static var sgd: [Stepper] { [.tensor(sgdCB)] }
  public static var momentum: [Stepper] { [.tensor(averageGrad), .tensor(momentumStep)] }
  public static var rmsProp: [Stepper] { [.tensor(averageSquareGrad), .tensor(rmsPropStep)] }

  // The same three optimizers as fused element-stepper chains.
  public static var sgdFused: [Stepper] { [.fused { SGDCallback() }] }
  public static var momentumFused: [Stepper] { [.fused { AverageGradCallback(); MomentumStepCallback() }] }
  public static var rmsPropFused: [Stepper] { [.fused { AverageSquareGradCallback(); RMSPropStepCallback() }] }
}
