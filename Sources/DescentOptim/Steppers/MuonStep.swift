import DescentTensor

/// How Muon scales the learning rate of each matrix (torch.optim.Muon's `adjust_lr_fn`), from
/// the rows A and columns B of the matrix it orthogonalizes (a conv weight's o × i·kh·kw).
public enum MuonLRAdjustment: String, Sendable, CaseIterable {
  /// Keller Jordan's √max(1, A/B).
  case original
  /// Moonlight's 0.2·√max(A, B), which gives the update AdamW's RMS so that Muon and AdamW
  /// share one learning rate and weight decay.
  case matchRMSAdamW = "match_rms_adamw"

  public func ratio(rows: Int, cols: Int) -> Double {
    switch self {
    case .original: return Swift.max(1, Double(rows) / Double(cols)).squareRoot()
    case .matchRMSAdamW: return 0.2 * Double(Swift.max(rows, cols)).squareRoot()
    }
  }
}

/// Muon's step (torch.optim.Muon): the update that `MuonMomentum` left in the gradient is
/// orthogonalized by Newton–Schulz (`ns_steps` iterations, `muon_eps` floor on its norm), then
/// p ← p − lr·ratio·O. A parameter of rank > 2 (a conv weight [o, i, kh, kw]) is the matrix
/// o × (i·kh·kw). Decoupled weight decay is `WeightDecay` before it, at the unadjusted lr.
public struct MuonStep: WholeTensorStepper {
  public let lr = Hyper("lr"), steps = Hyper("ns_steps", default: 5), eps = Hyper("muon_eps", default: 1e-7)
  public let adjustLR: MuonLRAdjustment
  let newtonSchulz: NewtonSchulz

  public init(adjustLR: MuonLRAdjustment = .matchRMSAdamW,
              coefficients: (a: Double, b: Double, c: Double) = NewtonSchulz.defaultCoefficients) {
    self.adjustLR = adjustLR
    newtonSchulz = NewtonSchulz(coefficients: coefficients)
  }

  public func step(_ s: StepContext) {
    let p = s.param
    precondition(p.rank >= 2, "MuonStep: Muon orthogonalizes matrices; a parameter of shape \(p.shape) should be routed to another chain")
    let rows = p.shape[0], cols = p.count / rows
    let o = newtonSchulz.orthogonalize(UnsafePointer(s.grad.pointer), rows: rows, cols: cols,
                                       steps: Int(s[steps]), eps: Float(s[eps]))
    Self.addScaled(o, Float(-s[lr] * adjustLR.ratio(rows: rows, cols: cols)), to: p.pointer, p.count)
  }

  /// p ← p + alpha·o with one fused multiply-add, as torch's `add_(o, alpha:)`.
  static func addScaled(_ o: UnsafePointer<Float>, _ alpha: Float, to p: UnsafeMutablePointer<Float>, _ count: Int) {
    Parallel.chunks(count) { start, end in
      let a = SIMD8<Float>(repeating: alpha)
      var i = start
      while i + 8 <= end {
        let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
          .addingProduct(UnsafeRawPointer(o + i).loadUnaligned(as: SIMD8<Float>.self), a)
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD8<Float>.self)
        i += 8
      }
      while i < end { p[i] = p[i].addingProduct(o[i], alpha); i += 1 }
    }
  }
}
