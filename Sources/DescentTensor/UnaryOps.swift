/// Unary elementwise ops and their gradients.
extension Tensor {
  public func exp() -> Tensor {
    let out = unaryMap(ExpKernel.self)
    return out.recorded("exp", [self]) { g in [g * out] }
  }

  public func log() -> Tensor {
    unaryMap(LogKernel.self).recorded("log", [self]) { [self] g in [g / self] }
  }

  public func sqrt() -> Tensor {
    let out = unaryMap(SqrtKernel.self)
    return out.recorded("sqrt", [self]) { g in [g / (out * 2)] }
  }

  public func relu() -> Tensor {
    Profiler.measure(.relu) { unaryMap(ReluKernel.self) }.recorded("relu", [self]) { [self] g in
      [g.broadcastMap(ReluBackwardKernel.self, self, op: "relu backward")]
    }
  }

  public func sigmoid() -> Tensor {
    let out = unaryMap(SigmoidKernel.self)
    return out.recorded("sigmoid", [self]) { g in [g * out * (1 - out)] }
  }

  public func tanh() -> Tensor {
    let out = unaryMap(TanhKernel.self)
    return out.recorded("tanh", [self]) { g in [g * (1 - out * out)] }
  }

  /// log(1 + eˣ) (PyTorch's softplus with beta 1 and threshold 20).
  public func softplus() -> Tensor {
    unaryMap(SoftplusKernel.self).recorded("softplus", [self]) { [self] g in
      // d/dx = sigmoid(x), and 1 above the threshold where softplus is the identity.
      [g * self.unaryMap(SigmoidKernel.self).maximum(self.gt(20))]
    }
  }
}
