import DescentTensor
import Foundation

/// fastai's Optimizer: parameter groups, one dictionary of hyper-parameters per group, a state
/// per parameter, and a chain of steppers run in order for every parameter that has a gradient.
/// Parameters may run different chains (Muon for hidden matrices, AdamW for the rest): each
/// parameter is routed to one chain, and every chain reads its parameter's group hypers.
public final class Optimizer {
  public private(set) var paramGroups: [[Tensor]]
  public var hypers: [Hypers]
  /// The chains of steppers; most optimizers have one.
  public let chains: [[Stage]]
  /// For each parameter of each group, the index in `chains` of the chain it runs.
  public let routes: [[Int]]
  /// The chain of a single-chain optimizer.
  public var steppers: [Stage] {
    precondition(chains.count == 1, "steppers: this optimizer routes its parameters to \(chains.count) chains; read `chains`")
    return chains[0]
  }
  /// Index of the first trainable group (fastai's `frozen_idx`).
  public private(set) var frozenIndex = 0
  /// When set, gradients are scaled so that their global L2 norm is at most this, as
  /// `torch.nn.utils.clip_grad_norm_` before each step.
  public var clipGradNorm: Float?
  /// Apply the update every `accumulationSteps` calls to `step()`, with the gradients summed
  /// over those batches and divided by their count; `zeroGrad()` waits for the update.
  public var accumulationSteps = 1 {
    didSet { precondition(accumulationSteps >= 1, "accumulationSteps must be at least 1, not \(accumulationSteps)") }
  }
  /// The global gradient norm measured by the last clipped step (before clipping).
  public private(set) var lastGradNorm: Float?

  private var states: [ObjectIdentifier: ParameterState] = [:]
  private var pendingBatches = 0
  /// Per chain, the parameters it steps this time (kept to reuse their storage).
  private var items: [[StepContext]] = []
  private var warnedNothingToStep = false
  /// An optimizer whose hyper-parameters follow this one's (Lookahead's wrapper holds the
  /// optimizer it wraps; the wrapped one points back weakly), as fastai's `Lookahead` forwards
  /// `hypers` to the optimizer inside: `setHyper` on either sets both.
  var hyperFollower: Optimizer?
  weak var hyperLeader: Optimizer?

  /// `params`: the parameter groups (fastai's param_lists); `defaults`: hyper-parameters for
  /// every group, merged over the steppers' own defaults.
  public convenience init(_ params: [[Tensor]], steppers: [Stage], defaults: [String: HyperSetting] = [:]) {
    self.init(params, chains: [steppers], route: { groups in groups.map { $0.map { _ in 0 } } }, defaults: defaults)
  }

  /// Several chains: `route` returns, for each parameter of each group, the index of the chain
  /// it runs. The chains share each group's hypers, so their hyper-parameter names must not
  /// collide unless they mean the same thing (`lr`, `wd`); `defaults` are merged over every
  /// chain's own.
  public init(_ params: [[Tensor]], chains: [[Stage]], route: ([[Tensor]]) -> [[Int]], defaults: [String: HyperSetting] = [:]) {
    precondition(!params.isEmpty, "Optimizer needs at least one parameter group")
    precondition(!chains.isEmpty, "Optimizer needs at least one chain of steppers")
    let routes = route(params)
    precondition(routes.map(\.count) == params.map(\.count),
                 "route gave \(routes.map(\.count)) chain indices per group for groups of \(params.map(\.count)) parameters")
    for (g, group) in routes.enumerated() {
      for (i, c) in group.enumerated() where !chains.indices.contains(c) {
        preconditionFailure("route sends parameter \(i) of group \(g) to chain \(c); there are \(chains.count) chains")
      }
    }
    paramGroups = params
    self.chains = chains
    self.routes = routes
    let stageNames = chains.joined().map(\.hyperNames)
    hyperNames = stageNames.contains { $0 == nil } ? nil : stageNames.reduce(into: Set<String>()) { $0.formUnion($1!) }
    hypers = Array(repeating: [:], count: params.count)
    for s in chains.joined() {
      for (k, v) in s.defaults { setHyper(k, .all(v)) }
    }
    for (k, v) in defaults { setHyper(k, v) }
    for p in params.joined() { states[ObjectIdentifier(p)] = ParameterState() }
    items = Array(repeating: [], count: chains.count)
  }

  public convenience init(_ params: [Tensor], steppers: [Stage], defaults: [String: HyperSetting] = [:]) {
    self.init([params], steppers: steppers, defaults: defaults)
  }

  public var allParameters: [Tensor] { Array(paramGroups.joined()) }

  public func state(of p: Tensor) -> ParameterState {
    guard let s = states[ObjectIdentifier(p)] else {
      preconditionFailure("tensor of shape \(p.shape) is not a parameter of this optimizer")
    }
    return s
  }

  // MARK: Hyper-parameters

  /// Every hyper-parameter name the chains read (their steppers' `Hyper` properties, and the
  /// defaults and `reads` of tensor and global steppers); nil where a stepper cannot say.
  public let hyperNames: Set<String>?

  /// Sets a hyper-parameter for every group, as fastai's `set_hyper`. A name that no stepper
  /// reads is refused (a typo, or another optimizer's name: Lion has `beta1`, not `mom`), with
  /// the names the chains read.
  public func setHyper(_ name: String, _ setting: HyperSetting) {
    if let names = hyperNames, !names.contains(name) {
      fatalError("Optimizer: no stepper reads the hyper-parameter '\(name)'; its steppers read \(names.sorted().joined(separator: ", "))")
    }
    setScheduledHyper(name, setting)
  }

  private func setOwnHyper(_ name: String, _ setting: HyperSetting) {
    for (i, v) in setting.values(groups: paramGroups.count, name: name).enumerated() { hypers[i][name] = v }
  }

  public func setHypers(_ settings: [String: HyperSetting]) {
    for (k, v) in settings { setHyper(k, v) }
  }

  /// Sets a hyper-parameter as fastai's schedules and Learner do on any optimizer, whether or
  /// not a stepper reads it (fit_one_cycle's `mom` on Lion, the Learner's `wd` on a chain
  /// without weight decay): steppers ignore what they don't read, and the Recorder and
  /// TensorBoard log it as fastai's do.
  public func setScheduledHyper(_ name: String, _ setting: HyperSetting) {
    setOwnHyper(name, setting)
    hyperFollower?.setOwnHyper(name, setting)
    hyperLeader?.setOwnHyper(name, setting)
  }

  // MARK: Freezing

  /// Makes groups before `n` untrainable (except parameters with `forceTrain`), the rest
  /// trainable; a negative `n` counts from the end (fastai's `freeze_to`).
  public func freezeTo(_ n: Int) {
    frozenIndex = n >= 0 ? n : paramGroups.count + n
    for (g, group) in paramGroups.enumerated() {
      for p in group { p.requiresGrad = g >= frozenIndex || state(of: p).forceTrain }
    }
  }

  /// Freezes every group but the last.
  public func freeze() {
    precondition(paramGroups.count > 1, "freeze() needs more than one parameter group")
    freezeTo(-1)
  }

  public func unfreeze() { freezeTo(0) }

  // MARK: Stepping

  /// Drops the gradients (unless gradients are being accumulated over more batches), as
  /// PyTorch's `zero_grad()` does by default: `grad` is nil until the next backward, which then
  /// keeps each gradient as computed instead of adding it into zeros (see `Tensor.dropGrad`).
  /// `setToNone: false` zeroes them in place, as fastai's `zero_grad`. The steps are the same,
  /// but for a parameter that gets no gradient in a backward: `step()` then skips it, as
  /// PyTorch's optimizers do, where a zeroed one would be stepped (momentum, weight decay).
  public func zeroGrad(setToNone: Bool = true) {
    if pendingBatches != 0 { return }
    for p in paramGroups.joined() {
      if setToNone { p.dropGrad() } else { p.zeroGrad() }
    }
  }

  /// Runs the steppers for every parameter that requires grad and has a gradient. Returns
  /// whether the parameters were updated (false while accumulating gradients).
  @discardableResult
  public func step() -> Bool {
    Profiler.measure(.optimizer) { stepNow() }
  }

  private func stepNow() -> Bool {
    pendingBatches += 1
    if pendingBatches < accumulationSteps { return false }
    pendingBatches = 0
    var scale = 1 / Float(accumulationSteps)
    for c in items.indices { items[c].removeAll(keepingCapacity: true) }
    for (g, group) in paramGroups.enumerated() {
      for (i, p) in group.enumerated() {
        guard p.requiresGrad, let grad = p.grad else { continue }
        items[routes[g][i]].append(StepContext(param: p, grad: grad, state: state(of: p), hypers: hypers[g], group: g))
      }
    }
    if items.allSatisfy(\.isEmpty) && !warnedNothingToStep {
      // Said once: a frozen model, or a step before any backward, is usually a mistake.
      warnedNothingToStep = true
      FileHandle.standardError.write(Data("warning: Optimizer.step(): no parameter requires grad and has a gradient; nothing was updated\n".utf8))
    }
    if let maxNorm = clipGradNorm {
      var sumSquares: Double = 0
      for item in items.joined() {
        let g = item.grad.buffer
        var s: Float = 0
        for v in g { s += v * v }
        sumSquares += Double(s)
      }
      let norm = Float(sumSquares.squareRoot()) * scale
      lastGradNorm = norm
      // torch.nn.utils.clip_grad_norm_: coefficient max_norm / (norm + 1e-6), applied when < 1.
      let coefficient = maxNorm / (norm + 1e-6)
      if coefficient < 1 { scale *= coefficient }
    }
    noGrad {
      for (chain, items) in zip(chains, items) where !items.isEmpty {
        run(chain, items, gradScale: scale)
      }
    }
    // Hold no gradient past the step: one still held here would keep `zeroGrad`'s dropped
    // storage from being reused by the next backward (see `Tensor.dropGrad`).
    for c in items.indices { items[c].removeAll(keepingCapacity: true) }
    return true
  }

  /// Runs one chain over its parameters; gradients are scaled by `gradScale` once, by the first
  /// stepper that reads them.
  private func run(_ chain: [Stage], _ items: [StepContext], gradScale: Float) {
    var scale = gradScale
    // A stepper that reads whole gradients gets them scaled first, once.
    func applyPendingScale() {
      if scale != 1 { for item in items { item.grad.mul_(scale) } }
      scale = 1
    }
    for s in chain {
      switch s {
      case .fused(let stage):
        stage.run(items, gradScale: scale)
        if stage.writesGradient { scale = 1 }
      case .global(let g):
        if g.readsGradients { applyPendingScale() }
        g.body(items)
      case .tensor(let t):
        applyPendingScale()
        for item in items { t.body(item) }
      }
    }
  }

  /// Drops every parameter's state but its `doWD` and `forceTrain` flags.
  public func clearState() {
    for s in states.values { s.clear() }
  }
}
