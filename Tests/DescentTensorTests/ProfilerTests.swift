import Testing

@testable import DescentTensor

/// `bench train --profile`'s table: each op kind gets its own time, nested ones subtracted.
@Suite(.serialized) struct ProfilerTests {
  @Test func measuresEachKindItsOwnTime() throws {
    var generator = RandomGenerator(seed: 3)
    let x = Tensor.normal([2, 16, 8, 8], using: &generator)
    let w = Tensor.normal([16, 16, 3, 3], using: &generator)
    w.requiresGrad = true
    Profiler.start()
    let start = Timing.now()
    let y = x.conv2d(w, padding: 1).relu()
    try (y + y).sum().backward()
    let total = Timing.now() - start
    let kinds = Profiler.stop()
    #expect(!Profiler.isEnabled)
    func seconds(_ kind: OpKind) -> Double { kinds.first { $0.kind == kind }!.seconds }
    func calls(_ kind: OpKind) -> Int { kinds.first { $0.kind == kind }!.calls }
    #expect(calls(.convForward) >= 1)
    #expect(calls(.convBackwardWeights) == 1)
    #expect(calls(.relu) == 2)
    #expect(calls(.add) == 3)  // the forward, its backward, and y's two gradients summed
    #expect(calls(.convBackwardData) == 0)  // x does not require grad
    #expect(seconds(.convForward) > 0 && seconds(.convBackwardWeights) > 0)
    // Convolutions count their work: 2 FLOPs a multiply-add, the forward's for each direction
    // (2 · 2·16·8·8 outputs · 16·3·3 taps), once per logical call however many candidates the
    // first call times; the other kinds count none.
    func flops(_ kind: OpKind) -> Double { kinds.first { $0.kind == kind }!.flops }
    #expect(flops(.convForward) == Double(calls(.convForward)) * 2 * 2048 * 144)
    #expect(flops(.convBackwardWeights) == 2 * 2048 * 144)
    #expect(flops(.convBackwardData) == 0 && flops(.relu) == 0 && flops(.add) == 0)
    let covered = kinds.reduce(0) { $0 + $1.seconds }
    #expect(covered <= total, "self times \(covered) s add up to more than the \(total) s they were measured in")
    // Off again: nothing more is counted.
    _ = x.relu()
    Profiler.start()
    #expect(Profiler.stop().allSatisfy { $0.calls == 0 })
  }
}
