import Foundation
import Testing
@testable import DescentTensor

@Suite struct ElementwiseTests {
  @Test func arithmeticBroadcastsAsNumPy() {
    let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
    let row = Tensor([10, 20, 30], shape: [3])
    let col = Tensor([100, 200], shape: [2, 1])
    #expect((a + row).scalars == [11, 22, 33, 14, 25, 36])
    #expect((a - col).scalars == [-99, -98, -97, -196, -195, -194])
    #expect((a * row).scalars == [10, 40, 90, 40, 100, 180])
    #expect((col / a).shape == [2, 3])
    #expect((row + col).shape == [2, 3])
    #expect((row + col).scalars == [110, 120, 130, 210, 220, 230])
    #expect((2 - a).scalars == [1, 0, -1, -2, -3, -4])
    #expect((-a).scalars == [-1, -2, -3, -4, -5, -6])
  }

  @Test func largeTensorsUseEveryChunkAndTail() {
    // Over the parallel threshold, with an odd length so the scalar tail runs too.
    let n = 70_001
    let a = Tensor((0..<n).map { Float($0) }, shape: [n])
    let b = a * 2 + 1
    #expect(b[0] == 1 && b[n - 1] == Float(2 * (n - 1) + 1) && b[35_000] == 70_001)
  }

  @Test func unaryValues() {
    let x = Tensor([-30, -1, 0, 0.5, 25], shape: [5])
    expectClose(x.relu().scalars, [0, 0, 0, 0.5, 25])
    expectClose(x.sigmoid().scalars, [9.357623e-14, 0.26894142, 0.5, 0.62245935, 1])
    expectClose(x.tanh().scalars, [-1, -0.7615942, 0, 0.46211716, 1])
    expectClose(x.softplus().scalars, [9.357623e-14, 0.31326169, 0.69314718, 0.97407698, 25])
    let p = Tensor([0.25, 1, 4], shape: [3])
    expectClose(p.sqrt().scalars, [0.5, 1, 2])
    expectClose(p.log().scalars, [-1.3862944, 0, 1.3862944])
    expectClose(p.exp().scalars, [1.2840254, 2.7182817, 54.59815])
    expectClose(p.pow(1.5).scalars, [0.125, 1, 8])
  }

  @Test func comparisonMasks() {
    let a = Tensor([1, 2, 3], shape: [3])
    #expect(a.gt(2).scalars == [0, 0, 1])
    #expect(a.ge(2).scalars == [0, 1, 1])
    #expect(a.lt(2).scalars == [1, 0, 0])
    #expect(a.le(2).scalars == [1, 1, 0])
    #expect(a.eq(Tensor([1, 0, 3], shape: [3])).scalars == [1, 0, 1])
  }

  @Test func gradientsOfBinaryOpsWithBroadcasting() {
    let a = Fixture.tensor([2, 3]), b = Fixture.tensor([3], phase: 1)
    expectGradientsMatch([a, b]) { $0[0] + $0[1] }
    expectGradientsMatch([a, b]) { $0[0] - $0[1] }
    expectGradientsMatch([a, b]) { $0[0] * $0[1] }
    let positive = Tensor([1.5, 2, 3], shape: [3])
    expectGradientsMatch([a, positive]) { $0[0] / $0[1] }
    expectGradientsMatch([a]) { -$0[0] }
    expectGradientsMatch([a, b]) { $0[0].maximum($0[1]) }
  }

  @Test func gradientsOfPow() {
    let base = Tensor([0.5, 1.2, 2, 3], shape: [2, 2])
    let exponent = Tensor([1.5, 2.5], shape: [2])
    expectGradientsMatch([base, exponent]) { $0[0].pow($0[1]) }
    expectGradientsMatch([base]) { $0[0].pow(3) }
  }

  @Test func gradientsOfUnaryOps() {
    let x = Fixture.tensor([2, 5])  // no element within the step of 0, where relu bends
    expectGradientsMatch([x]) { $0[0].exp() }
    expectGradientsMatch([x]) { $0[0].relu() }
    expectGradientsMatch([x]) { $0[0].sigmoid() }
    expectGradientsMatch([x]) { $0[0].tanh() }
    expectGradientsMatch([x]) { $0[0].softplus() }
    let positive = Tensor([0.5, 1, 2, 3.5, 7], shape: [5])
    expectGradientsMatch([positive]) { $0[0].log() }
    expectGradientsMatch([positive]) { $0[0].sqrt() }
  }
}
