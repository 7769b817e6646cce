/// Muon's momentum (torch.optim.Muon): buf ← lerp(buf, g, 1 − μ), then the update
/// lerp(g, buf, μ) with Nesterov or buf without, written back as the gradient so that the
/// Newton–Schulz step after it (`MuonStep`) orthogonalizes it in place. μ is `muon_mom`, apart
/// from fastai's `mom`, which the one-cycle schedule drives for the AdamW chain beside it.
public struct MuonMomentum: ElementStepper {
  public let nesterov: Bool
  @usableFromInline var average = TorchLerp(weight: 0), nesterovBlend = TorchLerp(weight: 0)
  @usableFromInline var buf: UnsafeMutablePointer<Float>? = nil

  public init(nesterov: Bool = true) { self.nesterov = nesterov }
  public var defaults: Hypers { ["muon_mom": 0.95] }
  public var writesGradient: Bool { true }

  @inlinable public mutating func prepare(_ b: inout ElementBinding) {
    let mom = b["muon_mom"]
    average = TorchLerp(weight: 1 - mom)
    nesterovBlend = TorchLerp(weight: mom)
    buf = b.buffer("momentum_buffer")
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    let b = average.apply(SIMD8.load(buf!, i), g)
    b.store(buf!, i)
    if nesterov { g = nesterovBlend.apply(g, b) } else { g = b }
  }
}
