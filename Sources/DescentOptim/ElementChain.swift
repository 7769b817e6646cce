/// Two element steppers run one after the other inside the same loop iteration. Nesting
/// `Then`s is how a chain of any length becomes one concrete type that the compiler specializes
/// into a single loop.
public struct Then<First: ElementStepper, Second: ElementStepper>: ElementStepper {
  public var first: First
  public var second: Second

  @inlinable public init(_ first: First, _ second: Second) {
    self.first = first
    self.second = second
  }

  public var defaults: Hypers { first.defaults.merging(second.defaults) { _, later in later } }
  public var writesGradient: Bool { first.writesGradient || second.writesGradient }
  public var reduces: Bool { first.reduces || second.reduces }
  public var defersUpdate: Bool {
    precondition(!first.defersUpdate, "a stepper that defers the update (\(First.self)) must come last in its chain")
    return second.defersUpdate
  }

  @inlinable
  public mutating func prepare(_ binding: inout ElementBinding) {
    first.prepare(&binding)
    second.prepare(&binding)
  }

  @inlinable @inline(__always)
  public func update(_ i: Int, _ p: inout SIMD8<Float>, _ g: inout SIMD8<Float>, _ acc: inout Accumulators) {
    first.update(i, &p, &g, &acc)
    second.update(i, &p, &g, &acc)
  }

  @inlinable
  public func finish(_ a: Float, _ b: Float, _ binding: inout ElementBinding) {
    first.finish(a, b, &binding)
    second.finish(a, b, &binding)
  }

  @inlinable
  public func deferredScale(_ a: Float, _ b: Float, count: Int) -> Float { second.deferredScale(a, b, count: count) }
}

/// Builds a chain from a list of element steppers: `{ WeightDecay(); AverageGrad(); … }`.
@resultBuilder
public enum ElementChainBuilder {
  @inlinable public static func buildPartialBlock<S: ElementStepper>(first: S) -> S { first }
  @inlinable public static func buildPartialBlock<A: ElementStepper, B: ElementStepper>(accumulated: A, next: B) -> Then<A, B> {
    Then(accumulated, next)
  }
}
