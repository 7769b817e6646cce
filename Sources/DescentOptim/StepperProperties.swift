import DescentTensor

/// A hyper-parameter a stepper reads, named once where the stepper declares it:
/// `let mom = Hyper("mom")`. Inside `step` it reads `s[mom]` (8 lanes) and `s[1 - mom]` (its
/// complement, computed in Double once per parameter: in Float, 1 − 0.999 alone is 1.3e-5 off);
/// inside `begin`, `s[mom]` is the Double. The name is read as fastai reads it: the group's
/// hyper-parameter, else a scalar of the parameter's state (`step`), else a value an earlier
/// `begin` of the chain set for this step. `default` is merged into the optimizer's hypers
/// unless the optimizer is given one.
public struct Hyper: Sendable {
  /// The name's number in `StepperNames`.
  @usableFromInline let id: Int
  @usableFromInline var complement: Bool
  public let defaultValue: Double?
  /// Set in the optimizer's copy of a chain bound to one parameter (see `StepperLayout`): the
  /// value (the complement, for `1 - h`) then lives in the chain itself, in registers across
  /// the loop. NaN until bound, so that a `Hyper` that is not a stored property of the chain
  /// shows (`StepperLayout.probe`).
  @usableFromInline var value: Float = .nan
  @usableFromInline var complementValue: Float = .nan

  public init(_ name: String, default value: Double? = nil) {
    id = StepperNames.id(of: name)
    complement = false
    defaultValue = value
  }

  /// This hyper bound to `v` (Double, so that the complement is taken before rounding).
  @usableFromInline func bound(to v: Double) -> Hyper {
    var h = self
    (h.value, h.complementValue) = complement ? (Float(1 - v), Float(v)) : (Float(v), Float(1 - v))
    return h
  }

  public var name: String { StepperNames.name(of: id) }

  /// `1 − h`, for `s[1 - mom]`.
  @inlinable
  public static func - (one: Double, h: Hyper) -> Hyper {
    precondition(one == 1, "a stepper reads 1 − \(h.name), not \(one) − \(h.name): write other scalar math in `begin`")
    var c = h
    c.complement = !h.complement
    (c.value, c.complementValue) = (h.complementValue, h.value)
    return c
  }
}

/// A per-element buffer of the parameter's state, named once: `let avg = State("grad_avg")`.
/// Created on the parameter's first step, zero-filled like the gradient (fastai's
/// `torch.zeros_like(p.grad)`) or, with `startsAtParameter`, as a copy of the parameter
/// (PyTorch's `p.clone()`: Schedule-Free's z, Prodigy's p0). An `optional` one is never
/// created: it is bound where an earlier stepper (or stage) made it, and `s.has(avg)` says
/// whether it was (RMSProp's step reads the momentum if there is one, else the gradient).
///
/// `@unchecked Sendable`: `pointer` is set only in the optimizer's per-parameter copy of a chain,
/// which one step's workers read and no one writes while they run; a `State` a user holds has
/// none.
public struct State: @unchecked Sendable {
  @usableFromInline let id: Int
  public let startsAtParameter: Bool
  public let optional: Bool
  /// Set in the optimizer's per-parameter copy of a chain, as `Hyper.value`: the buffer, or nil
  /// for an optional one that does not exist.
  @usableFromInline var pointer: UnsafeMutablePointer<Float>?

  public init(_ name: String, startsAtParameter: Bool = false, optional: Bool = false) {
    precondition(!(startsAtParameter && optional), "State(\"\(name)\"): an optional buffer is never created, so it cannot start at the parameter")
    id = StepperNames.id(of: name)
    self.startsAtParameter = startsAtParameter
    self.optional = optional
  }

  public var name: String { StepperNames.name(of: id) }
}

/// A per-parameter sum a stepper accumulates over the loop (LAMB's and LARC's norms, cautious
/// masking's count): `s[pNorm] += s.p * s.p` in `step`, then `s[pNorm]` (the parameter's total,
/// a Double) in `end`. At most four per chain.
public struct Sum: Sendable {
  /// Which of the loop's accumulators it is, set when the chain is marked (see `StepperLayout`).
  @usableFromInline var index = -1
  public init() {}
}

/// Every name steppers have declared, numbered once per process, so that binding a parameter
/// compares numbers, not strings.
public enum StepperNames {
  private static let table = Locked((ids: [String: Int](), names: [String]()))

  static func id(of name: String) -> Int {
    table.withLock { t in
      if let id = t.ids[name] { return id }
      t.names.append(name)
      t.ids[name] = t.names.count - 1
      return t.names.count - 1
    }
  }

  static func name(of id: Int) -> String { table.withLock { $0.names[id] } }

}
