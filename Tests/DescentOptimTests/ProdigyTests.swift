import Testing
@testable import DescentOptim
import DescentTensor

/// Prodigy's estimate sums over every parameter; with nothing to sum (all gradients zero) the
/// package skips the step — no move, no step counted — and so does Descent.
@Suite struct ProdigyTests {
  @Test func skipsAStepWithoutGradientSignal() {
    let a = Tensor([0.5, -1, 2], shape: [3], requiresGrad: true), b = Tensor([1, 2, 3, 4], shape: [2, 2], requiresGrad: true)
    let opt = Prodigy([[a], [b]], wd: 0.1)
    a.grad = Tensor.zeros([3])
    b.grad = Tensor.zeros([2, 2])
    opt.step()
    #expect(a.scalars == [0.5, -1, 2] && b.scalars == [1, 2, 3, 4])
    for p in [a, b] {
      #expect(opt.state(of: p).scalars["prodigy_skip"] == 1)
      #expect(opt.state(of: p).scalars["k"] == nil)
    }
    // A real gradient steps every parameter with the same d.
    a.grad = Tensor([0.1, -0.2, 0.3], shape: [3])
    b.grad = Tensor([0.4, 0.1, -0.1, 0.2], shape: [2, 2])
    opt.step()
    #expect(a.scalars != [0.5, -1, 2] && b.scalars != [1, 2, 3, 4])
    #expect(opt.state(of: a).scalars["d"] == opt.state(of: b).scalars["d"])
    #expect(opt.state(of: a).scalars["k"] == 1)
  }
}
