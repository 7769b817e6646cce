import DescentTensor

extension FusedStage {
  /// A stage from a chain of `Stepper`s; `@inlinable` so that a chain defined in another module
  /// (a user's own steppers) is specialized where it is written.
  @inlinable
  public convenience init<C: Stepper>(_ chain: C) {
    let scratch = LaneScratch<C>()
    self.init(defaults: chain.defaults, writesGradient: chain.writesGradient) { items, gradScale in
      LaneLoop.run(chain, items, gradScale: gradScale, scratch: scratch)
    }
  }
}

/// What a stage keeps from step to step: per parameter, the chain bound to it.
public final class LaneScratch<C: Stepper> {
  /// The chain bound to each parameter (its `Hyper` and `State` properties filled in).
  @usableFromInline var bound: [C] = []
  @usableFromInline let layout = StepperLayout(of: C.self)
  /// The chain with its properties marked, set on the first step.
  @usableFromInline var marked: C?
  @usableFromInline var offsets: [Int] = []
  @usableFromInline var params: [UnsafeMutablePointer<Float>] = []
  @usableFromInline var grads: [UnsafeMutablePointer<Float>] = []
  @usableFromInline let recorder = LaneRecorder()
  @usableFromInline let locals = StepLocals()
  @inlinable public init() {}
}

public enum LaneLoop {
  @inlinable
  public static func run<C: Stepper>(_ chain: C, _ items: [StepItem], gradScale: Float, scratch: LaneScratch<C>) {
    let n = items.count
    if n == 0 { return }
    scratch.offsets.removeAll(keepingCapacity: true)
    scratch.params.removeAll(keepingCapacity: true)
    scratch.grads.removeAll(keepingCapacity: true)
    scratch.bound.removeAll(keepingCapacity: true)
    var total = 0
    for (k, item) in items.enumerated() {
      scratch.locals.start(item.hypers, groupChanged: k == 0 || item.group != items[k - 1].group)
      bind(chain, item, row: k, scratch: scratch)
      // Zero the SIMD padding of p and g so that state past `count` stays 0.
      FusedLoop.zeroPadding(item.param)
      FusedLoop.zeroPadding(item.grad)
      scratch.params.append(item.param.pointer)
      scratch.grads.append(item.grad.pointer)
      scratch.offsets.append(total)
      total += (item.param.count + 7) & ~7
    }
    scratch.offsets.append(total)
    let writesGradient = chain.writesGradient
    let workers = Swift.max(1, Swift.min(Parallel.threads, total / Parallel.minimumParallelElements))
    let params = scratch.params, grads = scratch.grads, bound = scratch.bound
    scratch.offsets.withUnsafeBufferPointer { offsets in
      FusedLoop.forEachChunk(workers: workers, total: total, offsets: offsets) { _, k, start, end in
        let c = bound[k], p = params[k], g = grads[k]
        let scale = SIMD8<Float>(repeating: gradScale)
        var s = Lanes()
        var i = start
        while i < end {
          s.at = i
          s.p = SIMD8.load(p, i)
          s.g = SIMD8.load(g, i) * scale
          c.step(&s)
          s.p.store(p, i)
          if writesGradient { s.g.store(g, i) }
          i += 8
        }
      }
    }
  }

  /// Once per parameter: the chain's `begin`s, then a recording run of its `step`, whose hypers'
  /// values and buffers (created on first use) are bound into the parameter's copy of the chain.
  @inlinable
  static func bind<C: Stepper>(_ chain: C, _ item: StepItem, row k: Int, scratch: LaneScratch<C>) {
    let marked = scratch.marked ?? scratch.layout.marking(chain)
    scratch.marked = marked
    let context = StepContext(param: item.param, grad: item.grad, state: item.state, hypers: item.hypers, locals: scratch.locals)
    marked.begin(context)
    let recorder = scratch.recorder
    recorder.start(context)
    var recording = Lanes(recording: recorder)
    marked.step(&recording)
    recorder.context = nil  // hold no tensor past the step
    let buffers = recorder.buffers.map { b in (id: b.id, pointer: context.buffer(b).pointer) }
    scratch.bound.append(scratch.layout.bind(marked, hypers: recorder.hypers, buffers: buffers))
  }
}
