@_spi(Reflection) import Swift

/// Where a chain's `Hyper`, `State` and `Sum` properties sit in its memory (nested steppers and the
/// structs they hold included), found once per chain type from the runtime's field metadata.
/// The optimizer writes each parameter's values and buffers into its own copy of the chain at
/// these offsets, so that inside the loop they are plain fields of a local value: the compiler
/// keeps them in registers, as it would values a stepper had stored itself.
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

  /// `chain` with every `Hyper` and `State` property marked as a property (`isBound`) and every
  /// `Sum` numbered: the
  /// template a recording runs on and each parameter's binding starts from. A name a stepper
  /// reads that is not marked (a global, or one made inside `step`) is refused by the recording.
  @inlinable
  func marking<C>(_ chain: C) -> C {
    var c = chain
    withUnsafeMutableBytes(of: &c) { raw in
      for offset in hypers {
        raw.storeBytes(of: raw.load(fromByteOffset: offset, as: Hyper.self).marked, toByteOffset: offset, as: Hyper.self)
      }
      for offset in states {
        var b = raw.load(fromByteOffset: offset, as: State.self)
        b.isBound = true
        raw.storeBytes(of: b, toByteOffset: offset, as: State.self)
      }
      for (index, offset) in sums.enumerated() {
        var x = raw.load(fromByteOffset: offset, as: Sum.self)
        x.index = index
        raw.storeBytes(of: x, toByteOffset: offset, as: Sum.self)
      }
    }
    return c
  }

  /// `marked` bound to one parameter: each hyper the recording read gets its value, each buffer
  /// it used its pointer, and every other buffer nil.
  @inlinable
  func bind<C>(_ marked: C, hypers values: [(id: Int, value: Double)], buffers: [(id: Int, pointer: UnsafeMutablePointer<Float>)]) -> C {
    var c = marked
    withUnsafeMutableBytes(of: &c) { raw in
      for offset in hypers {
        let h = raw.load(fromByteOffset: offset, as: Hyper.self)
        if let v = values.first(where: { $0.id == h.id }) {
          raw.storeBytes(of: h.bound(to: v.value), toByteOffset: offset, as: Hyper.self)
        }
      }
      for offset in states {
        var b = raw.load(fromByteOffset: offset, as: State.self)
        b.pointer = buffers.first(where: { $0.id == b.id })?.pointer
        raw.storeBytes(of: b, toByteOffset: offset, as: State.self)
      }
    }
    return c
  }

  /// The names of the `Hyper` properties of `value`.
  @usableFromInline func hyperNames<C>(of value: C) -> Set<String> {
    var names: Set<String> = []
    var copy = value
    withUnsafeBytes(of: &copy) { raw in
      for offset in hypers { names.insert(raw.load(fromByteOffset: offset, as: Hyper.self).name) }
    }
    return names
  }

  /// The defaults the `Hyper` properties of `value` declare.
  func defaults<C>(of value: C) -> Hypers {
    var d: Hypers = [:]
    var copy = value
    withUnsafeBytes(of: &copy) { raw in
      for offset in hypers {
        let h = raw.load(fromByteOffset: offset, as: Hyper.self)
        if let v = h.defaultValue { d[h.name] = v }
      }
    }
    return d
  }
}
