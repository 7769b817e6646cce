@_spi(Reflection) import Swift
import DescentTensor

/// Where a chain's `Hyper`, `State` and `Sum` properties sit in its memory (nested steppers and the
/// structs they hold included), found once per chain type from the runtime's field metadata.
/// The optimizer writes each parameter's values and buffers into its own copy of the chain at
/// these offsets, so that inside the loop they are plain fields of a local value: the compiler
/// keeps them in registers, as it would values a stepper had stored itself, and a stepper's
/// `step` is a few arithmetic lines that it inlines into the loop.
@usableFromInline
struct StepperLayout {
  @usableFromInline var hypers: [Int] = []
  @usableFromInline var states: [Int] = []
  @usableFromInline var sums: [Int] = []

  @usableFromInline init(of type: Any.Type) {
    visit(type, at: 0)
    precondition(sums.count <= 4, "\(type): a chain accumulates at most 4 Sums, not \(sums.count)")
  }

  private mutating func visit(_ type: Any.Type, at base: Int) {
    _ = _forEachField(of: type, options: []) { _, offset, fieldType, kind in
      if fieldType == Hyper.self {
        hypers.append(base + offset)
      } else if fieldType == State.self {
        states.append(base + offset)
      } else if fieldType == Sum.self {
        sums.append(base + offset)
      } else if kind == .struct || kind == .tuple {
        visit(fieldType, at: base + offset)
      }
      return true
    }
  }

  /// `chain` with every `Sum` numbered: the template each parameter's binding starts from.
  @inlinable
  func numberingSums<C>(_ chain: C) -> C {
    var c = chain
    withUnsafeMutableBytes(of: &c) { raw in
      for (index, offset) in sums.enumerated() {
        var x = raw.load(fromByteOffset: offset, as: Sum.self)
        x.index = index
        raw.storeBytes(of: x, toByteOffset: offset, as: Sum.self)
      }
    }
    return c
  }

  /// `template` bound to one parameter, after its `begin`s: every `Hyper` property gets its
  /// value (one that has none is refused, naming it), every `State` its buffer — created on
  /// first use, but for an optional one, bound only where it exists.
  @inlinable
  func bind<C>(_ template: C, _ context: StepContext) -> C {
    binding(template, value: { h, _ in context.value(of: h, in: C.self) }, buffer: { b, _ in
      b.optional ? context.existingBuffer(b.name)?.pointer : context.buffer(b).pointer
    })
  }

  /// `template` with each `Hyper` property bound to `value(h, k)` and each `State` to
  /// `buffer(b, k)`, k the property's place among its kind in the chain.
  @inlinable
  func binding<C>(_ template: C, value: (Hyper, Int) -> Double, buffer: (State, Int) -> UnsafeMutablePointer<Float>?) -> C {
    var c = template
    withUnsafeMutableBytes(of: &c) { raw in
      for (k, offset) in hypers.enumerated() {
        let h = raw.load(fromByteOffset: offset, as: Hyper.self)
        raw.storeBytes(of: h.bound(to: value(h, k)), toByteOffset: offset, as: Hyper.self)
      }
      for (k, offset) in states.enumerated() {
        var b = raw.load(fromByteOffset: offset, as: State.self)
        b.pointer = buffer(b, k)
        raw.storeBytes(of: b, toByteOffset: offset, as: State.self)
      }
    }
    return c
  }

  /// Runs `template`'s `step` once on made-up values — each `Hyper` property bound to its own
  /// value in (0.3, 0.7), each `State` to 8 lanes of one, p and g 0.45 and 0.55 (distinct, so
  /// that no formula cancels to 0/0) — and refuses the chain, naming it, when anything
  /// comes out NaN: then its `step` read a name that is not one of its stored properties (a
  /// global `Hyper`, or one made inside `step`), which no parameter's binding would reach.
  @inlinable
  func probe<C: Stepper>(_ template: C) {
    let lanes = UnsafeMutablePointer<Float>.allocate(capacity: 8 * Swift.max(1, states.count))
    defer { lanes.deallocate() }
    for k in 0..<8 * Swift.max(1, states.count) { (lanes + k).initialize(to: 0.4 + 0.2 * Float(k / 8) / Float(states.count + 1)) }
    let c = binding(template, value: { _, k in 0.3 + 0.4 * Double(k + 1) / Double(hypers.count + 2) },
                    buffer: { _, k in lanes + 8 * k })
    var s = Lanes()
    s.p = SIMD8(repeating: 0.45)
    s.g = SIMD8(repeating: 0.55)
    s.base = s.p
    c.step(&s)
    var values = [s.p, s.g, s.sums.0, s.sums.1, s.sums.2, s.sums.3].flatMap { v in (0..<8).map { v[$0] } }
    values += (0..<8 * states.count).map { lanes[$0] }
    if values.contains(where: \.isNaN) {
      fatalError("\(C.self): its step read a Hyper or State that is not one of the steppers' stored properties (a global, or one made inside step), so the optimizer cannot bind it to each parameter: declare it as `let mom = Hyper(\"mom\")` or `let avg = State(\"grad_avg\")` in the stepper")
    }
  }

  /// The `Hyper` properties of `value`, as declared.
  func hyperProperties<C>(of value: C) -> [Hyper] {
    var copy = value
    return withUnsafeBytes(of: &copy) { raw in hypers.map { raw.load(fromByteOffset: $0, as: Hyper.self) } }
  }

  /// The names of the `Hyper` properties of `value`.
  @usableFromInline func hyperNames<C>(of value: C) -> Set<String> { Set(hyperProperties(of: value).map(\.name)) }

  /// The defaults the `Hyper` properties of `value` declare.
  func defaults<C>(of value: C) -> Hypers {
    var d: Hypers = [:]
    for h in hyperProperties(of: value) { if let v = h.defaultValue { d[h.name] = v } }
    return d
  }
}
