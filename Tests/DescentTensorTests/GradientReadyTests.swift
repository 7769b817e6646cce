import Testing
@testable import DescentTensor

/// `backward(gradientReady:)` reports each leaf once, as soon as its gradient is final: what
/// data-parallel training starts its all-reduces from.
struct GradientReadyTests {
  @Test func eachLeafOnceWithItsFinalGradient() throws {
    let w1 = Tensor([1, 2, 3, 4], shape: [2, 2], requiresGrad: true)
    let w2 = Tensor([0.5, -1, 2, 1], shape: [2, 2], requiresGrad: true)
    let x = Tensor([1, -2, 0.5, 3], shape: [2, 2])
    // w1 is used twice (its gradient is final only after both uses), w2 once, late in backward.
    let h = x.matmul(w1).relu()
    let y = (h.matmul(w2) + h.matmul(w1)).sum()
    var reported: [(Tensor, [Float])] = []
    try y.backward { leaf in reported.append((leaf, leaf.grad?.scalars ?? [])) }
    #expect(reported.count == 2)
    #expect(reported[0].0 === w2 && reported[1].0 === w1)  // w2's only use comes last in the forward
    // What each report saw is the gradient backward ends with.
    #expect(reported[0].1 == w2.grad!.scalars && reported[1].1 == w1.grad!.scalars)
  }
}
