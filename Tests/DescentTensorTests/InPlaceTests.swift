import Testing
@testable import DescentTensor

@Suite struct InPlaceTests {
  @Test func optimizerUpdates() {
    let p = Tensor([1, 2, 3, 4], shape: [4])
    let a = Tensor([1, 1, 2, 2], shape: [4]), b = Tensor([2, 4, 8, 16], shape: [4])
    #expect(p.copy().add_(a, alpha: -0.5).scalars == [0.5, 1.5, 2, 3])
    #expect(p.copy().add_(1).scalars == [2, 3, 4, 5])
    #expect(p.copy().mul_(2).scalars == [2, 4, 6, 8])
    #expect(p.copy().mul_(a).scalars == [1, 2, 6, 8])
    #expect(p.copy().addcmul_(a, b, value: 0.5).scalars == [2, 4, 11, 20])
    #expect(p.copy().addcdiv_(b, a, value: -1).scalars == [-1, -2, -1, -4])
    #expect(p.copy().lerp_(b, weight: 0.25).scalars == [1.25, 2.5, 4.25, 7])
    #expect(p.copy().copy_(a).scalars == a.scalars)
    #expect(p.copy().fill_(3).scalars == [3, 3, 3, 3])
  }

  @Test func operandsBroadcastToSelf() {
    let p = Tensor.zeros([2, 3])
    p.add_(Tensor([1, 2, 3], shape: [3]), alpha: 2)
    #expect(p.scalars == [2, 4, 6, 2, 4, 6])
  }

  @Test func largeBuffersUpdateEveryElement() {
    let n = 100_003
    let p = Tensor.ones([n])
    p.addcmul_(Tensor.full([n], 2), Tensor.full([n], 3), value: 0.5)
    #expect(p.scalars.allSatisfy { $0 == 4 })
  }
}
