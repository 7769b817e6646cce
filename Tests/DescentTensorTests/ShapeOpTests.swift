import Testing
@testable import DescentTensor

@Suite struct ShapeOpTests {
  let x = Tensor((0..<24).map { Float($0) }, shape: [2, 3, 4])

  @Test func reshapeIsAView() {
    let r = x.reshape([6, -1])
    #expect(r.shape == [6, 4] && r.storage === x.storage)
    #expect(x.flatten().shape == [2, 12])
    #expect(x.unsqueeze(1).shape == [2, 1, 3, 4])
  }

  @Test func permuteAndTransposeMaterialize() {
    let p = x.permute([2, 0, 1])
    #expect(p.shape == [4, 2, 3])
    #expect(p[3, 1, 2] == x[1, 2, 3])
    #expect(p[1, 0, 2] == x[0, 2, 1])
    let t = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]).transpose(0, 1)
    #expect(t.shape == [3, 2] && t.scalars == [1, 4, 2, 5, 3, 6])
  }

  @Test func sliceAndCat() {
    let s = x.slice(1..<2)
    #expect(s.shape == [1, 3, 4] && s.scalars == (12..<24).map(Float.init))
    let mid = x.slice(1..<3, axis: 2)
    #expect(mid.shape == [2, 3, 2] && mid[1, 2, 0] == x[1, 2, 1])
    let c = Tensor.cat([x.slice(0..<1), x.slice(1..<2)])
    #expect(c.scalars == x.scalars)
    let side = Tensor.cat([Tensor([1, 2], shape: [2, 1]), Tensor([3, 4, 5, 6], shape: [2, 2])], axis: 1)
    #expect(side.scalars == [1, 3, 4, 2, 5, 6])
  }

  @Test func gradients() {
    let a = Fixture.tensor([2, 3, 4]), b = Fixture.tensor([2, 1, 4], phase: 2)
    expectGradientsMatch([a]) { $0[0].reshape([4, 6]) }
    expectGradientsMatch([a]) { $0[0].permute([1, 2, 0]) }
    expectGradientsMatch([a]) { $0[0].transpose(0, 2) }
    expectGradientsMatch([a]) { $0[0].slice(1..<3, axis: 1) }
    expectGradientsMatch([a, b]) { Tensor.cat([$0[0], $0[1]], axis: 1) }
    expectGradientsMatch([b]) { $0[0].expand([2, 3, 4]) }
  }
}
