import DescentTensor

/// One parameter handed to a stepper for one step.
public struct StepItem {
  public let param: Tensor
  public let grad: Tensor
  public let state: ParameterState
  public let hypers: Hypers
  /// The index of the parameter's group (steps of one group share its hypers).
  public let group: Int
}

/// A chain of element steppers compiled into one loop, run over every parameter of the
/// optimizer on all cores: the parameters' buffers are laid end to end as one flat range that
/// is cut into one chunk per worker, so many small tensors don't leave cores idle.
public final class FusedStage {
  public let defaults: Hypers
  /// The loop stores the (scaled) gradient back, so a later stage must not scale it again.
  public let writesGradient: Bool
  @usableFromInline let body: ([StepItem], Float) -> Void

  /// Creates the stage; `@inlinable` so that a chain defined in another module (a user's own
  /// steppers) is specialized where it is written.
  @inlinable
  public convenience init<C: ElementStepper>(_ chain: C) {
    let scratch = FusedScratch<C>()
    self.init(defaults: chain.defaults, writesGradient: chain.writesGradient) { items, gradScale in
      FusedLoop.run(chain, items, gradScale: gradScale, scratch: scratch)
    }
  }

  @usableFromInline
  init(defaults: Hypers, writesGradient: Bool, body: @escaping ([StepItem], Float) -> Void) {
    self.defaults = defaults
    self.writesGradient = writesGradient
    self.body = body
  }

  /// Runs the chain once for every item; gradients are multiplied by `gradScale` as they are
  /// loaded (gradient clipping and accumulation fold in here at no extra memory traffic).
  public func run(_ items: [StepItem], gradScale: Float = 1) { body(items, gradScale) }
}

/// Buffers a stage reuses from step to step, so that a step allocates nothing once warm.
public final class FusedScratch<C: ElementStepper> {
  @usableFromInline var bound: [C] = []
  @usableFromInline var offsets: [Int] = []
  @usableFromInline var partials: [Float] = []
  @usableFromInline var params: [UnsafeMutablePointer<Float>] = []
  @usableFromInline var grads: [UnsafeMutablePointer<Float>] = []
  /// The held-back updates of a chain that defers them, laid out as the flat range.
  @usableFromInline var updates: [Float] = []
  @usableFromInline var scales: [Float] = []
  @inlinable public init() {}
}

public enum FusedLoop {
  @inlinable
  public static func run<C: ElementStepper>(_ chain: C, _ items: [StepItem], gradScale: Float, scratch: FusedScratch<C>) {
    let n = items.count
    if n == 0 { return }
    // Prepare once per parameter (hyper-parameters, buffers, debias terms).
    scratch.bound.removeAll(keepingCapacity: true)
    scratch.offsets.removeAll(keepingCapacity: true)
    scratch.params.removeAll(keepingCapacity: true)
    scratch.grads.removeAll(keepingCapacity: true)
    var total = 0
    for item in items {
      var binding = ElementBinding(param: item.param, grad: item.grad, state: item.state, hypers: item.hypers)
      var c = chain
      c.prepare(&binding)
      scratch.bound.append(c)
      scratch.offsets.append(total)
      // Zero the SIMD padding of p and g so that reductions and state past `count` stay 0.
      zeroPadding(item.param)
      zeroPadding(item.grad)
      scratch.params.append(item.param.pointer)
      scratch.grads.append(item.grad.pointer)
      total += (item.param.count + 7) & ~7
    }
    scratch.offsets.append(total)
    let defers = chain.defersUpdate
    let reduces = chain.reduces || defers, writesGradient = chain.writesGradient
    let workers = Swift.max(1, Swift.min(Parallel.threads, total / Parallel.minimumParallelElements))
    if reduces {
      scratch.partials.removeAll(keepingCapacity: true)
      scratch.partials.append(contentsOf: repeatElement(0, count: 2 * n * workers))
    }
    if defers && scratch.updates.count < total {
      scratch.updates = [Float](repeating: 0, count: total)
    }
    let params = scratch.params, grads = scratch.grads
    scratch.bound.withUnsafeBufferPointer { bound in
      scratch.offsets.withUnsafeBufferPointer { offsets in
        scratch.partials.withUnsafeMutableBufferPointer { partials in
          scratch.updates.withUnsafeMutableBufferPointer { updates in
            forEachChunk(workers: workers, total: total, offsets: offsets) { w, k, start, end in
              let c = bound[k], p = params[k], g = grads[k]
              let held = defers ? updates.baseAddress! + offsets[k] : nil
              let scale = SIMD8<Float>(repeating: gradScale)
              var acc = Accumulators()
              var i = start
              while i < end {
                var pv = SIMD8<Float>.load(p, i)
                var gv = SIMD8<Float>.load(g, i) * scale
                acc.base = pv
                c.update(i, &pv, &gv, &acc)
                if let held {
                  // `pv` is the update held back; the parameter keeps its decayed base.
                  pv.store(held, i)
                  acc.base.store(p, i)
                } else {
                  pv.store(p, i)
                }
                if writesGradient { gv.store(g, i) }
                i += 8
              }
              if reduces {
                partials[2 * (w * n + k)] += acc.a.sum()
                partials[2 * (w * n + k) + 1] += acc.b.sum()
              }
            }
          }
        }
      }
    }
    guard reduces else { return }
    scratch.scales.removeAll(keepingCapacity: true)
    for (k, item) in items.enumerated() {
      var a: Float = 0, b: Float = 0
      for w in 0..<workers {
        a += scratch.partials[2 * (w * n + k)]
        b += scratch.partials[2 * (w * n + k) + 1]
      }
      var binding = ElementBinding(param: item.param, grad: item.grad, state: item.state, hypers: item.hypers)
      scratch.bound[k].finish(a, b, &binding)
      if defers { scratch.scales.append(scratch.bound[k].deferredScale(a, b, count: item.param.count)) }
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
