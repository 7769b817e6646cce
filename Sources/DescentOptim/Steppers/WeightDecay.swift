/// Weight decay, where the parameter's `doWD` flag is set: decoupled (fastai's `weight_decay`,
/// p ← p·(1 − lr·wd); the decayed p becomes the base the rest of the chain's update is measured
/// from) or, with `decoupled: false`, as L2 regularization (fastai's `l2_reg`, g ← g + wd·p,
/// stored back to the gradient as fastai changes `p.grad` in place).
public struct WeightDecay: Stepper {
  public let decoupled: Bool
  public let lr = Hyper("lr"), wd = Hyper("wd", default: 0), factor = Hyper("weight_decay_factor")
  public init(decoupled: Bool = true) { self.decoupled = decoupled }
  public var writesGradient: Bool { !decoupled }

  public func begin(_ s: StepContext) {
    let wd = s.doWD ? s[wd] : 0
    s[factor] = decoupled ? (wd != 0 ? 1 - s[lr] * wd : 1) : wd
  }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    if decoupled {
      s.p *= s[factor]
      s.base = s.p
    } else {
      s.g += s[factor] * s.p
    }
  }
}
