/// Muon's momentum (torch.optim.Muon): buf ← lerp(buf, g, 1 − μ), then the update
/// lerp(g, buf, μ) with Nesterov or buf without, written back as the gradient so that the
/// Newton–Schulz step after it (`MuonStep`) orthogonalizes it in place. μ is `muon_mom`, apart
/// from fastai's `mom`, which the one-cycle schedule drives for the AdamW chain beside it.
public struct MuonMomentum: Stepper {
  public let nesterov: Bool
  public let mom = Hyper("muon_mom", default: 0.95), buffer = State("momentum_buffer")
  public init(nesterov: Bool = true) { self.nesterov = nesterov }
  public var writesGradient: Bool { true }

  @inlinable @inline(__always) public func step(_ s: inout Lanes) {
    let b = TorchLerp(s.value(1 - mom)).apply(s[buffer], s.g)
    s[buffer] = b
    s.g = nesterov ? TorchLerp(s.value(mom)).apply(s.g, b) : b
  }
}
