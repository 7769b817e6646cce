import DescentTensor
import Foundation

/// fastai's steppers written over whole tensors, one op at a time — the same math as the
/// fused steppers, for chains that mix in a user's tensor steppers and as the baseline the
/// fused stages are checked and benchmarked against.
public enum TensorSteppers {
  public static var weightDecay: TensorStepper {
    TensorStepper("weight_decay", defaults: ["wd": 0], reads: ["lr"]) { s in
      if s.doWD && s["wd"] != 0 { s.param.mul_(Float(1 - s["lr"] * s["wd"])) }
    }
  }

  public static var l2Regularization: TensorStepper {
    TensorStepper("l2_reg", defaults: ["wd": 0], reads: []) { s in
      if s.doWD && s["wd"] != 0 { s.grad.add_(s.param, alpha: Float(s["wd"])) }
    }
  }

  public static func averageGrad(dampening: Bool = false) -> TensorStepper {
    TensorStepper("average_grad", defaults: ["mom": 0.9], reads: []) { s in
      s.buffer("grad_avg").mul_(Float(s["mom"])).add_(s.grad, alpha: Float(dampening ? 1 - s["mom"] : 1))
    }
  }

  public static func averageSqrGrad(dampening: Bool = true) -> TensorStepper {
    TensorStepper("average_sqr_grad", defaults: ["sqr_mom": 0.99], reads: []) { s in
      s.buffer("sqr_avg").mul_(Float(s["sqr_mom"])).addcmul_(s.grad, s.grad, value: Float(dampening ? 1 - s["sqr_mom"] : 1))
    }
  }

  public static var stepStat: TensorStepper {
    TensorStepper("step_stat", reads: []) { s in s.setScalar("step", (s.state.scalars["step"] ?? 0) + 1) }
  }

  public static var sgdStep: TensorStepper {
    TensorStepper("sgd_step", reads: ["lr"]) { s in s.param.add_(s.grad, alpha: Float(-s["lr"])) }
  }

  public static var momentumStep: TensorStepper {
    TensorStepper("momentum_step", reads: ["lr"]) { s in s.param.add_(s.buffer("grad_avg"), alpha: Float(-s["lr"])) }
  }

  public static var rmsPropStep: TensorStepper {
    TensorStepper("rms_prop_step", defaults: ["eps": 1e-8], reads: ["lr"]) { s in
      s.param.addcdiv_(s.existingBuffer("grad_avg") ?? s.grad, s.buffer("sqr_avg").sqrt() + Float(s["eps"]), value: Float(-s["lr"]))
    }
  }

  public static var adamStep: TensorStepper {
    TensorStepper("adam_step", reads: ["lr", "mom", "sqr_mom", "eps"]) { s in
      let debias1 = debias(s["mom"], 1 - s["mom"], s["step"])
      let debias2 = debias(s["sqr_mom"], 1 - s["sqr_mom"], s["step"])
      let denominator = (s.buffer("sqr_avg") / Float(debias2)).sqrt() + Float(s["eps"])
      s.param.addcdiv_(s.buffer("grad_avg"), denominator, value: Float(-s["lr"] / debias1))
    }
  }

  /// Adam as fastai writes it, a tensor stepper per line (fused `Adam` is the fast one).
  public static var adam: [Stage] {
    [.tensor(weightDecay), .tensor(averageGrad(dampening: true)), .tensor(averageSqrGrad()), .tensor(stepStat), .tensor(adamStep)]
  }
}
