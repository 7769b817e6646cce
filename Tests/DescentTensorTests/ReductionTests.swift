import Testing
@testable import DescentTensor

@Suite struct ReductionTests {
  let x = Tensor((0..<24).map { Float($0) }, shape: [2, 3, 4])

  @Test func sumOverAxes() {
    #expect(x.sum().scalars == [276])
    #expect(x.sum().shape == [])
    #expect(x.sum(axis: 0).scalars == (12..<24).map { Float(2 * $0 - 12) })
    #expect(x.sum(axis: 1).scalars == [12, 15, 18, 21, 48, 51, 54, 57])
    #expect(x.sum(axis: -1).scalars == [6, 22, 38, 54, 70, 86])
    #expect(x.sum(axes: [0, 2], keepDim: true).shape == [1, 3, 1])
    #expect(x.sum(axes: [0, 2]).scalars == [60, 92, 124])
  }

  @Test func meanVarianceMaxArgmax() {
    #expect(x.mean(axis: 2).scalars == [1.5, 5.5, 9.5, 13.5, 17.5, 21.5])
    expectClose(x.variance(axes: [2]).scalars, [Float](repeating: 5.0 / 3.0, count: 6))
    expectClose(x.variance(axes: [2], unbiased: false).scalars, [Float](repeating: 1.25, count: 6))
    let y = Tensor([3, 9, 9, 1, -2, -5], shape: [2, 3])
    #expect(y.max(axis: 1).scalars == [9, 1])
    #expect(y.argmax(axis: 1).scalars == [1, 0])  // first of tied maxima
    #expect(y.argmax(axis: 0).scalars == [0, 0, 0])
    #expect(y.max() == 9)
  }

  @Test func largeReductionsSplitAcrossCores() {
    let n = 100_000
    let big = Tensor.ones([n])
    #expect(big.sum().item() == Float(n))
    let wide = Tensor.ones([2, 50_000])
    #expect(wide.sum(axis: 0).scalars.allSatisfy { $0 == 2 })
    #expect(wide.sum(axis: 1).scalars == [50_000, 50_000])
  }

  @Test func gradients() {
    let a = Fixture.tensor([2, 3, 4])
    expectGradientsMatch([a]) { $0[0].sum(axes: [0, 2]) }
    expectGradientsMatch([a]) { $0[0].sum(axis: 1, keepDim: true) }
    expectGradientsMatch([a]) { $0[0].mean(axes: [1]) }
    expectGradientsMatch([a]) { $0[0].variance(axes: [0, 2]) }
    expectGradientsMatch([a]) { $0[0].max(axis: 2) }
    expectGradientsMatch([a]) { $0[0].sum() }
  }
}
