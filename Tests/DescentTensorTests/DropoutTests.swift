import Testing
@testable import DescentTensor

@Suite struct DropoutTests {
  @Test func keepsAboutOneMinusPAndRescales() {
    var g = RandomGenerator(seed: 5)
    let y = Tensor.ones([10_000]).dropout(0.25, using: &g)
    let kept = y.scalars.filter { $0 != 0 }
    #expect(kept.allSatisfy { abs($0 - 4.0 / 3.0) < 1e-6 })
    #expect(abs(Float(kept.count) / 10_000 - 0.75) < 0.02)
  }

  @Test func seededAndOffInEval() {
    var g1 = RandomGenerator(seed: 9), g2 = RandomGenerator(seed: 9)
    let x = Fixture.tensor([50])
    #expect(x.dropout(0.5, using: &g1).scalars == x.dropout(0.5, using: &g2).scalars)
    #expect(x.dropout(0.5, training: false, using: &g1) === x)
    #expect(Tensor.ones([8]).dropout(1, using: &g1).scalars.allSatisfy { $0 == 0 })
  }

  @Test func gradientIsTheMask() throws {
    var g = RandomGenerator(seed: 11)
    let x = Fixture.tensor([20], requiresGrad: true)
    let y = x.dropout(0.5, using: &g)
    try y.sum().backward()
    for i in 0..<20 { #expect(x.grad!.pointer[i] == (y.pointer[i] == 0 ? 0 : 2)) }
  }
}
