import Testing
@testable import DescentTensor

@Suite struct MatmulTests {
  @Test func values() {
    let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
    let b = Tensor([7, 8, 9, 10, 11, 12], shape: [3, 2])
    #expect(a.matmul(b).scalars == [58, 64, 139, 154])
    let batched = Tensor.cat([a.unsqueeze(0), (a * 2).unsqueeze(0)])
    #expect(batched.matmul(b).scalars == [58, 64, 139, 154, 116, 128, 278, 308])
    let bb = Tensor.cat([b.unsqueeze(0), b.unsqueeze(0)])
    #expect(batched.matmul(bb).scalars == [58, 64, 139, 154, 116, 128, 278, 308])
  }

  @Test func gradients() {
    let a = Fixture.tensor([3, 4]), b = Fixture.tensor([4, 5], phase: 1)
    expectGradientsMatch([a, b]) { $0[0].matmul($0[1]) }
    let ba = Fixture.tensor([2, 3, 4]), bb = Fixture.tensor([2, 4, 2], phase: 1)
    expectGradientsMatch([ba, bb]) { $0[0].matmul($0[1]) }
    expectGradientsMatch([ba, b]) { $0[0].matmul($0[1]) }
  }
}
