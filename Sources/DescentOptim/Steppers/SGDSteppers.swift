/// p ← p − lr·g (fastai's `sgd_step`).
public struct SGDStep: Stepper {
  public let lr = Hyper("lr")
  public init() {}
  @inlinable @inline(__always) public func step(_ s: inout Lanes) { s.p -= s[lr] * s.g }
}

/// p ← p − lr·grad_avg (fastai's `momentum_step`).
public struct MomentumStep: Stepper {
  public let lr = Hyper("lr"), avg = State("grad_avg")
  public init() {}
  @inlinable @inline(__always) public func step(_ s: inout Lanes) { s.p -= s[lr] * s[avg] }
}

/// p ← p − lr · (grad_avg, or g without momentum) / (√sqr_avg + eps) (fastai's `rms_prop_step`).
public struct RMSPropStep: Stepper {
  public let lr = Hyper("lr"), eps = Hyper("eps", default: 1e-8), avg = State("grad_avg", optional: true), sqrAvg = State("sqr_avg")
  public init() {}
  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    s.p -= s[lr] * ((s.has(avg) ? s[avg] : s.g) / (sqrt(s[sqrAvg]) + s[eps]))
  }
}
