import DescentOptim
import DescentTensor

/// The seed's five custom steppers as a library user writes them, both ways: tensor steppers
/// (whole tensors, as in fastai) and element steppers (fused into one loop). The README shows
/// the same code.
enum SeedSteppers {
  // Tensor steppers.
  static var sgdCB: TensorStepper { TensorStepper("sgd_cb") { s in s.param.add_(s.grad, alpha: -s["lr"]) } }
  static var averageGrad: TensorStepper { TensorStepper("average_grad", defaults: ["mom": 0.9]) { s in
    s.buffer("grad_avg").mul_(s["mom"]).add_(s.grad)
  } }
  static var momentumStep: TensorStepper { TensorStepper("momentum_step") { s in
    s.param.add_(s.buffer("grad_avg"), alpha: -s["lr"])
  } }
  static var averageSquareGrad: TensorStepper { TensorStepper("average_square_grad", defaults: ["sqr_mom": 0.99]) { s in
    s.buffer("sqr_avg").mul_(s["sqr_mom"]).addcmul_(s.grad, s.grad, value: 1 - s["sqr_mom"])
  } }
  static var rmsPropStep: TensorStepper { TensorStepper("rms_prop_step", defaults: ["eps": 1e-8]) { s in
    let denom = s.buffer("sqr_avg").sqrt() + s["eps"]
    s.param.addcdiv_(s.existingBuffer("grad_avg") ?? s.grad, denom, value: -s["lr"])
  } }

  static var sgd: [Stepper] { [.tensor(sgdCB)] }
  static var momentum: [Stepper] { [.tensor(averageGrad), .tensor(momentumStep)] }
  static var rmsProp: [Stepper] { [.tensor(averageSquareGrad), .tensor(rmsPropStep)] }
}
