import DescentTensor

/// One parameter in one step, as every kind of stepper sees it — a fused stepper's `begin` and
/// `end`, a tensor stepper, a stepper over all parameters: its tensor, gradient, state and its
/// group's hyper-parameters (Doubles, as fastai's Python floats: `1 − mom` and bias
/// corrections stay in Double and are cast to Float once, where they meet a tensor).
public struct StepContext {
  public let param: Tensor
  public let grad: Tensor
  public let state: ParameterState
  public let hypers: Hypers
  /// The index of the parameter's group (the parameters of one group share its hypers).
  public let group: Int
  /// For a fused chain's `begin`s: the group's hypers by name number, and the values they set
  /// for this step only.
  @usableFromInline var locals: StepLocals?
  /// For a fused chain's `end`s: the parameter's totals of the chain's `Sum`s.
  @usableFromInline var sums: [Float]?

  @inlinable
  init(param: Tensor, grad: Tensor, state: ParameterState, hypers: Hypers, group: Int) {
    self.param = param
    self.grad = grad
    self.state = state
    self.hypers = hypers
    self.group = group
  }

  @inlinable func with(locals: StepLocals) -> StepContext {
    var c = self
    c.locals = locals
    return c
  }

  @inlinable func with(sums: [Float]) -> StepContext {
    var c = self
    c.sums = sums
    return c
  }

  /// The parameter's total of a sum the chain accumulated (in `end`).
  public subscript(_ x: Sum) -> Double {
    guard let sums, sums.indices.contains(x.index) else { preconditionFailure("a stepper reads a Sum outside `end`, or one that is not its stored property") }
    return Double(sums[x.index])
  }

  /// A hyper-parameter, else a scalar of the state (a hyper-parameter shadows a state entry of
  /// the same name, as in fastai).
  public subscript(_ name: String) -> Double {
    if let v = value(name) { return v }
    preconditionFailure("a stepper reads '\(name)', which is neither a hyper-parameter (\(hypers.keys.sorted())) nor in the state (\(state.scalars.keys.sorted()))")
  }

  /// A hyper, its complement for `1 - h`; setting it gives the rest of the chain that value
  /// for this step (not kept in the state).
  public subscript(_ h: Hyper) -> Double {
    get {
      let v = resolved(h) ?? self[h.name]
      return h.complement ? 1 - v : v
    }
    nonmutating set {
      guard let locals else { preconditionFailure("only a fused stepper's `begin` sets a hyper for the step (\(h.name)); use setScalar to keep a value in the state") }
      locals.set(h.id, h.complement ? 1 - newValue : newValue)
    }
  }

  /// The value a chain's `Hyper` property is bound to: what `begin` set for the step, else the
  /// group's hyper-parameter, else the state's scalar (before its complement, if it is `1 - h`).
  @usableFromInline func value<C>(of h: Hyper, in chain: C.Type) -> Double {
    if let v = resolved(h) { return v }
    fatalError("\(C.self): a stepper's Hyper(\"\(h.name)\") is neither a hyper-parameter (\(hypers.keys.sorted())), a scalar of the state (\(state.scalars.keys.sorted())), nor set by a `begin` before it")
  }

  /// `h`'s value before its complement, if present: what a `begin` set for the step, else the
  /// group's hyper-parameter, else the state's scalar.
  func resolved(_ h: Hyper) -> Double? { locals?.value(h.id) ?? value(h.name) }

  /// A hyper-parameter or state scalar if present.
  public func value(_ name: String) -> Double? { hypers[name] ?? state.scalars[name] }

  /// The state buffer `name`, zero-filled like the gradient on first use.
  public func buffer(_ name: String) -> Tensor { state.buffer(name, like: grad) }

  /// The buffer of `b`, created on first use as `b` says (zeros, or a copy of the parameter).
  public func buffer(_ b: State) -> Tensor {
    let fresh = state.buffers[b.name] == nil
    let t = state.buffer(b.name, like: grad)
    if fresh && b.startsAtParameter { t.pointer.update(from: param.pointer, count: param.count) }
    return t
  }

  /// `b`'s buffer, for a whole-tensor stepper: created on first use as `buffer(_:)` does.
  public subscript(_ b: State) -> Tensor { buffer(b) }

  /// Whether `b`'s buffer exists (for an optional `State`, fastai's `grad_avg=None` default).
  public func has(_ b: State) -> Bool { state.buffers[b.name] != nil }

  /// The state buffer if it exists (fastai's `grad_avg=None` default).
  public func existingBuffer(_ name: String) -> Tensor? { state.buffers[name] }

  public func setScalar(_ name: String, _ value: Double) { state.scalars[name] = value }

  public var doWD: Bool { state.doWD }
  public var count: Int { param.count }
}

/// What a fused chain's steppers read by name number, so that binding a parameter hashes no
/// string: the group's hypers (resolved once per group and step) and the values `begin`s set
/// for the parameter's step (cleared for each parameter).
public final class StepLocals {
  @usableFromInline var group: [Double?] = []
  @usableFromInline var set: [Double?] = []
  @usableFromInline var setIDs: [Int] = []
  @inlinable init() {}

  /// Starts a parameter of `hypers`' group: `group` is refilled when `groupChanged`.
  @usableFromInline func start(_ hypers: Hypers, groupChanged: Bool) {
    for id in setIDs { set[id] = nil }
    setIDs.removeAll(keepingCapacity: true)
    guard groupChanged else { return }
    for i in group.indices { group[i] = nil }
    for (name, v) in hypers {
      let id = StepperNames.id(of: name)
      if id >= group.count { group += [Double?](repeating: nil, count: id + 1 - group.count) }
      group[id] = v
    }
  }

  @usableFromInline func value(_ id: Int) -> Double? {
    if id < set.count, let v = set[id] { return v }
    return id < group.count ? group[id] : nil
  }

  @usableFromInline func set(_ id: Int, _ v: Double) {
    if id >= set.count { set += [Double?](repeating: nil, count: id + 1 - set.count) }
    set[id] = v
    setIDs.append(id)
  }
}
