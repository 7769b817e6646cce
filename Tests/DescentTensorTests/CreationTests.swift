import Testing
@testable import DescentTensor

@Suite struct CreationTests {
  @Test func constantsAndRanges() {
    #expect(Tensor.zeros([2, 2]).scalars == [0, 0, 0, 0])
    #expect(Tensor.ones([3]).scalars == [1, 1, 1])
    #expect(Tensor.full([2], 7).scalars == [7, 7])
    #expect(Tensor.scalar(3).shape == [] && Tensor.scalar(3).item() == 3)
    #expect(Tensor.arange(5).scalars == [0, 1, 2, 3, 4])
    #expect(Tensor.arange(1, 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
    let c = Tensor([1, 2], shape: [2])
    let d = c.copy()
    d.pointer[0] = 9
    #expect(c[0] == 1)
  }

  @Test func seededGeneratorsRepeat() {
    var g1 = RandomGenerator(seed: 42), g2 = RandomGenerator(seed: 42), g3 = RandomGenerator(seed: 43)
    let a = Tensor.normal([100], using: &g1), b = Tensor.normal([100], using: &g2), c = Tensor.normal([100], using: &g3)
    #expect(a.scalars == b.scalars)
    #expect(a.scalars != c.scalars)
  }

  /// The process-wide generator: seeding it repeats its draws. (One lock-held block: other
  /// tests, running in parallel, draw from it too.)
  @Test func seedingTheSharedGeneratorRepeats() {
    let (u1, u2) = Random.withGenerator { g -> ([Float], [Float]) in
      g = RandomGenerator(seed: 7)
      let u1 = Tensor.uniform([10], using: &g).scalars
      g = RandomGenerator(seed: 7)
      return (u1, Tensor.uniform([10], using: &g).scalars)
    }
    #expect(u1 == u2)
  }

  @Test func distributionsHaveTheirMoments() {
    var g = RandomGenerator(seed: 1)
    let u = Tensor.uniform([20_000], low: -1, high: 3, using: &g)
    #expect(u.scalars.allSatisfy { $0 >= -1 && $0 < 3 })
    #expect(abs(u.mean().item() - 1) < 0.05)
    let n = Tensor.normal([20_000], mean: 2, std: 0.5, using: &g)
    #expect(abs(n.mean().item() - 2) < 0.02)
    #expect(abs(n.variance().item().squareRoot() - 0.5) < 0.02)
  }

  @Test func kaimingNormalUsesFanIn() {
    var g = RandomGenerator(seed: 3)
    // A conv weight [out 64, in 32, 3, 3]: fan-in 288, std √(2/288) ≈ 0.0833.
    let w = Tensor.kaimingNormal([64, 32, 3, 3], using: &g)
    #expect(abs(w.variance().item().squareRoot() - (2.0 / 288.0).squareRoot()) < 0.003)
    #expect(Tensor.fans([64, 32, 3, 3]) == (288, 576))
  }
}
