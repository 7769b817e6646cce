import Testing
@testable import DescentTensor

/// The fused ops (`batchNorm(relu: true)`, `addReLU`) give the unfused pair's values and
/// gradients to the bit, and pass the finite-difference check themselves.
@Suite struct FusedOpTests {
  /// Values and the gradients of every input of L = Σ f(inputs) · w.
  static func valuesAndGradients(_ inputs: [Tensor], _ f: ([Tensor]) -> Tensor) throws -> [[Float]] {
    let copies = inputs.map { t -> Tensor in
      let c = Tensor(t.scalars, shape: t.shape)
      c.requiresGrad = true
      return c
    }
    let out = f(copies)
    let weights = Fixture.values(out.count, phase: 0.5, scale: 1).map { $0 + 0.3 }
    try (out * Tensor(weights, shape: out.shape)).sum().backward()
    return [out.scalars] + copies.map { $0.grad!.scalars }
  }

  @Test(arguments: [true, false])
  func batchNormReLUIsBatchNormThenReLU(training: Bool) throws {
    // 37 values per plane: the SIMD loops and their scalar tails both run.
    let x = Fixture.tensor([3, 4, 37])
    let weight = Fixture.tensor([4], phase: 1, scale: 0.25) + 1, bias = Fixture.tensor([4], phase: 2, scale: 0.5)
    let mean = Fixture.tensor([4], phase: 3, scale: 0.3), variance = Fixture.tensor([4], phase: 4, scale: 0.5).exp()
    func bn(_ t: [Tensor], relu: Bool) -> Tensor {
      t[0].batchNorm(weight: t[1], bias: t[2], runningMean: training ? nil : mean, runningVar: training ? nil : variance,
                     training: training, relu: relu)
    }
    let fused = try Self.valuesAndGradients([x, weight, bias]) { bn($0, relu: true) }
    let unfused = try Self.valuesAndGradients([x, weight, bias]) { bn($0, relu: false).relu() }
    #expect(fused == unfused)
    #expect(fused[0].contains(0) && fused[0].contains { $0 > 0 })  // both sides of the kink
  }

  @Test func addReLUIsAddThenReLU() throws {
    let a = Fixture.tensor([2, 3, 29]), b = Fixture.tensor([2, 3, 29], phase: 1.3)
    #expect(try Self.valuesAndGradients([a, b]) { $0[0].addReLU($0[1]) }
            == Self.valuesAndGradients([a, b]) { ($0[0] + $0[1]).relu() })
    // Broadcast like `+`: the gradient sums back to each input's shape.
    let row = Fixture.tensor([1, 3, 1], phase: 0.4)
    #expect(try Self.valuesAndGradients([a, row]) { $0[0].addReLU($0[1]) }
            == Self.valuesAndGradients([a, row]) { ($0[0] + $0[1]).relu() })
  }

  @Test func fusedGradientsMatchFiniteDifferences() {
    // A step below every output's distance from 0, so no value crosses the ReLU's kink.
    let x = Fixture.tensor([2, 3, 2, 3])
    let weight = Fixture.tensor([3], phase: 1, scale: 0.25) + 1, bias = Fixture.tensor([3], phase: 2, scale: 0.5)
    expectGradientsMatch([x, weight.detach(), bias.detach()], step: 1e-3) {
      $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: nil, runningVar: nil, training: true, relu: true)
    }
    expectGradientsMatch([Fixture.tensor([2, 5]), Fixture.tensor([2, 5], phase: 0.9)], step: 1e-3) { $0[0].addReLU($0[1]) }
  }
}
