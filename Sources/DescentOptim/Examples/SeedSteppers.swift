import DescentTensor

/// The seed's five custom steppers as a library user writes them, both ways: tensor steppers
/// (whole tensors, as in fastai) and fused steppers (one loop over memory). They are the seed's
/// code (the fastai blog post on optimizers the study is built on): its names (`grad_avg`, `square_mom`,
/// `square_avg`), its damped `average_grad` and its `rms_prop_step`, which divides the raw
/// gradient. Like the seed's callbacks they bring no defaults: the seed passes them to the
/// Optimizer — `partial(Optimizer, cbs=[average_grad, momentum_step], mom=0.9)`, and
/// `square_mom=0.99, eps=1e-8` for RMSProp — and so does a user here
/// (`defaults: ["lr": 3e-2, "mom": 0.9]`). Under `fit_one_cycle` the schedule drives `mom`
/// (0.95 → 0.85 → 0.95) from the first batch, and `average_grad` reads it. docs/optimizers.md shows
/// the same code; `descent compare` trains with the fused chains below, and the tests check
/// both forms against the seed's functions run in fastai and against each other.
public enum SeedSteppers {
  // Tensor steppers.
  public static var sgdCB: TensorStepper { TensorStepper("sgd_cb", reads: ["lr"]) { s in s.param.add_(s.grad, alpha: Float(-s["lr"])) } }
  public static var averageGrad: TensorStepper { TensorStepper("average_grad", reads: ["mom"]) { s in
    s.buffer("grad_avg").mul_(Float(s["mom"])).add_(s.grad, alpha: Float(1 - s["mom"]))
  } }
  public static var momentumStep: TensorStepper { TensorStepper("momentum_step", reads: ["lr"]) { s in
    s.param.add_(s.buffer("grad_avg"), alpha: Float(-s["lr"]))
  } }
  public static var averageSquareGrad: TensorStepper { TensorStepper("average_square_grad", reads: ["square_mom"]) { s in
    s.buffer("square_avg").mul_(Float(s["square_mom"])).add_(s.grad * s.grad, alpha: Float(1 - s["square_mom"]))
  } }
  public static var rmsPropStep: TensorStepper { TensorStepper("rms_prop_step", reads: ["eps", "lr"]) { s in
    let denom = s.buffer("square_avg").sqrt() + Float(s["eps"])
    s.param.addcdiv_(s.grad, denom, value: Float(-s["lr"]))
  } }

  public static var sgd: [Stage] { [.tensor(sgdCB)] }
  public static var momentum: [Stage] { [.tensor(averageGrad), .tensor(momentumStep)] }
  public static var rmsProp: [Stage] { [.tensor(averageSquareGrad), .tensor(rmsPropStep)] }

  // The same three optimizers as fused chains.
  public static var sgdFused: [Stage] { [.fused { SGDCallback() }] }
  public static var momentumFused: [Stage] { [.fused { AverageGradCallback(); MomentumStepCallback() }] }
  public static var rmsPropFused: [Stage] { [.fused { AverageSquareGradCallback(); RMSPropStepCallback() }] }

}
