import DescentTensor

/// A chain of steppers compiled into one loop, run over every parameter of the optimizer on all
/// cores: the parameters' buffers are laid end to end as one flat range that is cut into one
/// chunk per worker, so many small tensors don't leave cores idle.
public final class FusedStage {
  public let defaults: Hypers
  /// The loop stores the (scaled) gradient back, so a later stage must not scale it again.
  public let writesGradient: Bool
  /// The names of the chain's `Hyper` properties: every hyper-parameter it reads.
  public let hyperNames: Set<String>
  @usableFromInline let body: ([StepContext], Float) -> Void

  /// Creates the stage; `@inlinable` so that a chain defined in another module (a user's own
  /// steppers) is specialized where it is written.
  @inlinable
  public init<C: Stepper>(_ chain: C) {
    defaults = chain.defaults
    writesGradient = chain.writesGradient
    let scratch = FusedScratch<C>(chain)
    hyperNames = scratch.layout.hyperNames(of: chain)
    body = { items, gradScale in FusedLoop.run(items, gradScale: gradScale, scratch: scratch) }
  }

  /// Runs the chain once for every item; gradients are multiplied by `gradScale` as they are
  /// loaded (gradient clipping and accumulation fold in here at no extra memory traffic).
  public func run(_ items: [StepContext], gradScale: Float = 1) { body(items, gradScale) }
}

/// What a stage keeps from step to step: the chain with its sums numbered, and per parameter
/// the chain bound to it.
public final class FusedScratch<C: Stepper> {
  @usableFromInline let layout: StepperLayout
  /// The chain with its `Sum`s numbered, which each parameter's binding starts from.
  @usableFromInline let template: C
  @usableFromInline let defers: Bool
  @usableFromInline var bound: [C] = []
  @usableFromInline var offsets: [Int] = []
  @usableFromInline var params: [UnsafeMutablePointer<Float>] = []
  @usableFromInline var grads: [UnsafeMutablePointer<Float>] = []
  /// Per worker and parameter, the partial sums of each `Sum`.
  @usableFromInline var partials: [Float] = []
  /// The held-back updates of a chain that defers them, laid out as the flat range.
  @usableFromInline var updates: [Float] = []
  @usableFromInline var scales: [Float] = []
  @usableFromInline let locals = StepLocals()

  @inlinable public init(_ chain: C) {
    layout = StepperLayout(of: C.self)
    template = layout.numberingSums(chain)
    layout.probe(template)
    defers = chain.defersUpdate
  }
}

public enum FusedLoop {
  @inlinable
  public static func run<C: Stepper>(_ items: [StepContext], gradScale: Float, scratch: FusedScratch<C>) {
    let n = items.count
    if n == 0 { return }
    scratch.bound.removeAll(keepingCapacity: true)
    scratch.offsets.removeAll(keepingCapacity: true)
    scratch.params.removeAll(keepingCapacity: true)
    scratch.grads.removeAll(keepingCapacity: true)
    var total = 0
    for (k, item) in items.enumerated() {
      scratch.locals.start(item.hypers, groupChanged: k == 0 || item.group != items[k - 1].group)
      scratch.bound.append(bind(item, scratch: scratch))
      // Zero the SIMD padding of p and g so that reductions and state past `count` stay 0.
      zeroPadding(item.param)
      zeroPadding(item.grad)
      scratch.params.append(item.param.pointer)
      scratch.grads.append(item.grad.pointer)
      scratch.offsets.append(total)
      total += (item.param.count + 7) & ~7
    }
    scratch.offsets.append(total)
    let defers = scratch.defers, sums = scratch.layout.sums.count
    let writesGradient = scratch.template.writesGradient
    let workers = Swift.max(1, Swift.min(Parallel.threads, total / Parallel.minimumParallelElements))
    if sums > 0 {
      scratch.partials.removeAll(keepingCapacity: true)
      scratch.partials.append(contentsOf: repeatElement(0, count: sums * n * workers))
    }
    if defers && scratch.updates.count < total {
      scratch.updates = [Float](repeating: 0, count: total)
    }
    let params = scratch.params, grads = scratch.grads, bound = scratch.bound
    scratch.offsets.withUnsafeBufferPointer { offsets in
      scratch.partials.withUnsafeMutableBufferPointer { partials in
        scratch.updates.withUnsafeMutableBufferPointer { updates in
          forEachChunk(workers: workers, total: total, offsets: offsets) { w, k, start, end in
            let c = bound[k], p = params[k], g = grads[k]
            let held = defers ? updates.baseAddress! + offsets[k] : nil
            let scale = SIMD8<Float>(repeating: gradScale)
            var s = Lanes()
            var i = start
            while i < end {
              s.at = i
              s.p = SIMD8.load(p, i)
              s.g = SIMD8.load(g, i) * scale
              s.base = s.p
              c.step(&s)
              if let held {
                // `s.p` is the update held back; the parameter keeps its decayed base.
                s.p.store(held, i)
                s.base.store(p, i)
              } else {
                s.p.store(p, i)
              }
              if writesGradient { s.g.store(g, i) }
              i += 8
            }
            for j in 0..<sums { partials[(w * n + k) * sums + j] += s.sum(j).sum() }
          }
        }
      }
    }
    guard sums > 0 else { return }
    scratch.scales.removeAll(keepingCapacity: true)
    for (k, item) in items.enumerated() {
      var totals = [Float](repeating: 0, count: sums)
      for w in 0..<workers {
        for j in 0..<sums { totals[j] += scratch.partials[(w * n + k) * sums + j] }
      }
      let context = item.with(sums: totals)
      scratch.bound[k].end(context)
      if defers { scratch.scales.append(Float(scratch.bound[k].deferredScale(context))) }
    }
    guard defers else { return }
    // Second pass: p += scale · held update.
    scratch.offsets.withUnsafeBufferPointer { offsets in
      scratch.scales.withUnsafeBufferPointer { scales in
        scratch.updates.withUnsafeBufferPointer { updates in
          forEachChunk(workers: workers, total: total, offsets: offsets) { _, k, start, end in
            let p = params[k], held = updates.baseAddress! + offsets[k]
            let s = SIMD8<Float>(repeating: scales[k])
            var i = start
            while i < end {
              (SIMD8<Float>.load(p, i) + s * UnsafeRawPointer(held + i).load(as: SIMD8<Float>.self)).store(p, i)
              i += 8
            }
          }
        }
      }
    }
  }

  /// Once per parameter: the chain's `begin`s, then the chain bound to the parameter's values
  /// and buffers (created on first use).
  @inlinable
  static func bind<C: Stepper>(_ item: StepContext, scratch: FusedScratch<C>) -> C {
    let context = item.with(locals: scratch.locals)
    scratch.template.begin(context)
    return scratch.layout.bind(scratch.template, context)
  }

  /// Cuts the flat range [0, total) — the parameters laid end to end at `offsets` — into one
  /// chunk per worker and calls `body(worker, parameter, start, end)` for each parameter's part
  /// of each chunk (elements start..<end of that parameter, multiples of 8).
  @inlinable
  static func forEachChunk(workers: Int, total: Int, offsets: UnsafeBufferPointer<Int>,
                           _ body: (_ worker: Int, _ parameter: Int, _ start: Int, _ end: Int) -> Void) {
    let n = offsets.count - 1
    Parallel.forEach(workers) { w in
      let lo = (total * w / workers) & ~7
      let hi = w == workers - 1 ? total : (total * (w + 1) / workers) & ~7
      // The first parameter overlapping [lo, hi): binary search over the offsets.
      var k = 0, top = n
      while k + 1 < top {
        let mid = (k + top) / 2
        if offsets[mid] <= lo { k = mid } else { top = mid }
      }
      while k < n && offsets[k] < hi {
        body(w, k, Swift.max(lo, offsets[k]) - offsets[k], Swift.min(hi, offsets[k + 1]) - offsets[k])
        k += 1
      }
    }
  }

  @inlinable
  static func zeroPadding(_ t: Tensor) {
    let padded = t.storage.paddedCount
    if padded > t.count { (t.pointer + t.count).update(repeating: 0, count: padded - t.count) }
  }
}

extension SIMD8<Float> {
  @inlinable @inline(__always)
  static func load(_ p: UnsafeMutablePointer<Float>, _ i: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + i).load(as: SIMD8<Float>.self)
  }

  @inlinable @inline(__always)
  func store(_ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: self, as: SIMD8<Float>.self)
  }
}
