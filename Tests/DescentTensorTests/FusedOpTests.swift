import Testing
@testable import DescentTensor

/// The fused ops (`batchNorm(relu: true)`, `batchNorm(relu: true, residual:)`, `addReLU`)
/// give the unfused ops' values and gradients to the bit, and pass the finite-difference check
/// themselves.
@Suite struct FusedOpTests {
  /// Values and the gradients of every input of L = Σ f(inputs) · w; the 4-D inputs stored in
  /// `stored(shape)` when given (blocked, bfloat16), the others plain.
  static func valuesAndGradients(
    _ inputs: [Tensor], stored: (([Int]) -> StorageFormat?)? = nil, _ f: ([Tensor]) -> Tensor
  ) throws -> [[Float]] {
    let copies = inputs.map { t -> Tensor in
      let c = Tensor(t.scalars, shape: t.shape)
      if let format = stored?(t.shape) { _ = c.converted(to: format) }
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

  /// A ResNet block's end: the batch norm, the residual sum and the ReLU in one op, plain
  /// float32 (37 values a plane: vector loops and scalar tails), blocked float32 and blocked
  /// bfloat16 (where the batch norm's output is rounded before the sum, as storing it rounds).
  @Test(arguments: [nil, StorageFormat.Element.float32, .bfloat16])
  func batchNormAddReLUIsBatchNormThenAddReLU(blocked element: StorageFormat.Element?) throws {
    let shape = element == nil ? [3, 4, 37, 1] : [2, 32, 3, 5]
    let c = shape[1]
    let x = Fixture.tensor(shape), residual = Fixture.tensor(shape, phase: 0.7, scale: 1.5)
    let weight = Fixture.tensor([c], phase: 1, scale: 0.25) + 1, bias = Fixture.tensor([c], phase: 2, scale: 0.5)
    let stored = element.map { e in { (shape: [Int]) in shape.count == 4 ? StorageFormat.blocked(shape, e) : nil } }
    func bn(_ t: [Tensor]) -> Tensor {
      t[0].batchNorm(weight: t[1], bias: t[2], runningMean: nil, runningVar: nil, training: true)
    }
    for relu in [true, false] {
      let fused = try Self.valuesAndGradients([x, weight, bias, residual], stored: stored) {
        $0[0].batchNorm(
          weight: $0[1], bias: $0[2], runningMean: nil, runningVar: nil, training: true, relu: relu, residual: $0[3])
      }
      let unfused = try Self.valuesAndGradients([x, weight, bias, residual], stored: stored) {
        relu ? bn($0).addReLU($0[3]) : bn($0) + $0[3]
      }
      #expect(fused == unfused, "relu \(relu), blocked \(String(describing: element))")
      if relu { #expect(fused[0].contains(0) && fused[0].contains { $0 > 0 }) }  // both sides of the kink
    }
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
    expectGradientsMatch([x, weight.detach(), bias.detach(), Fixture.tensor([2, 3, 2, 3], phase: 0.6)], step: 1e-3) {
      $0[0].batchNorm(
        weight: $0[1], bias: $0[2], runningMean: nil, runningVar: nil, training: true, relu: true, residual: $0[3])
    }
    expectGradientsMatch([Fixture.tensor([2, 5]), Fixture.tensor([2, 5], phase: 0.9)], step: 1e-3) { $0[0].addReLU($0[1]) }
  }
}
