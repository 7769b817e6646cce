import Testing
@testable import DescentTensor

@Suite struct AutogradTests {
  @Test func gradientsAccumulateAcrossBackwardCalls() throws {
    let w = Tensor([1, 2, 3], shape: [3], requiresGrad: true)
    try (w * w).sum().backward()
    #expect(w.grad!.scalars == [2, 4, 6])
    try (w * 3).sum().backward()
    #expect(w.grad!.scalars == [5, 7, 9])
    w.zeroGrad()
    #expect(w.grad!.scalars == [0, 0, 0])
  }

  /// `dropGrad` (PyTorch's set_to_none): the next backward gives the same gradient as after
  /// zeroing, a convolution writes it into the dropped storage when nothing else holds that,
  /// and never into a gradient the caller kept.
  @Test func droppedGradientsAreRecomputedIntoTheirStorage() throws {
    var generator = RandomGenerator(seed: 11)
    let x = Tensor.normal([2, 3, 5, 5], using: &generator)
    let w = Tensor.normal([4, 3, 3, 3], using: &generator)
    w.requiresGrad = true
    func step() throws { let y = x.conv2d(w, padding: 1); try (y * y).sum().backward() }
    try step()
    let expected = w.grad!.scalars
    var storage = ObjectIdentifier(w.grad!.storage)
    w.dropGrad()
    #expect(w.grad == nil)
    try step()
    #expect(w.grad!.scalars == expected)
    #expect(ObjectIdentifier(w.grad!.storage) == storage)  // written in place of a new one
    // Kept by the caller (or a view of it kept): left alone, a new gradient is made.
    for keep in [{ (g: Tensor) in g }, { (g: Tensor) in g.reshape([108]) }] {
      storage = ObjectIdentifier(w.grad!.storage)
      let kept = keep(w.grad!)
      w.dropGrad()
      try step()
      #expect(ObjectIdentifier(w.grad!.storage) != storage)
      #expect(kept.scalars == expected && w.grad!.scalars == expected)
      _ = kept.add_(kept)  // writing to the kept one leaves the new gradient alone
      #expect(w.grad!.scalars == expected)
    }
  }

  @Test func sharedSubexpressionGetsBothPaths() throws {
    let x = Tensor([2], shape: [1], requiresGrad: true)
    let y = x * x          // used twice below
    try (y + y * x).sum().backward()  // d/dx (x² + x³) = 2x + 3x² = 16
    #expect(x.grad!.scalars == [16])
  }

  /// An add hands one gradient to both its inputs; the backward shares it instead of copying
  /// it, so every later sum must leave the other holder's values alone.
  @Test func sharedGradientsAreNeverAddedIntoInPlace() throws {
    let w = Tensor([1, 2, 3], shape: [3], requiresGrad: true)  // a leaf, summed into in place
    let x = Tensor([4, 5, 6], shape: [3], requiresGrad: true)
    let c = Tensor([1, 10, 100], shape: [3]), d = Tensor([7, 7, 7], shape: [3])
    let h = x * 3  // not a leaf: its gradient waits while w's grows
    let s = w + h  // w first: w keeps the gradient the add gives both
    let r = h + h  // the same gradient twice to one input
    try ((s * c).sum() + (w * d).sum() + (r * d).sum() + (s * s).sum()).backward()
    // d/dw = c + d + 2s;  d/dh = c + 2s + 2d, so d/dx = 3 (c + 2s + 2d).
    let (sv, cv, dv) = (s.scalars, c.scalars, d.scalars)
    let expectedW: [Float] = (0..<3).map { i in cv[i] + dv[i] + 2 * sv[i] }
    let expectedX: [Float] = (0..<3).map { i in 3 * (cv[i] + 2 * sv[i] + 2 * dv[i]) }
    #expect(w.grad!.scalars == expectedW)
    #expect(x.grad!.scalars == expectedX)
  }

  @Test func detachAndNoGradStopRecording() throws {
    let x = Tensor([1, 2], shape: [2], requiresGrad: true)
    let d = x.detach()
    #expect(!d.requiresGrad && d.storage === x.storage)
    let y = noGrad { x * 2 }
    #expect(!y.requiresGrad)
    #expect(throws: TensorError.backwardWithoutGrad) { try y.sum().backward() }
    try (x * 2 + d).sum().backward()
    #expect(x.grad!.scalars == [2, 2])
  }

  @Test func nonScalarBackwardNeedsASeed() throws {
    let x = Tensor([1, 2], shape: [2], requiresGrad: true)
    let y = x * 3
    #expect(throws: TensorError.backwardOnNonScalar(shape: [2])) { try y.backward() }
    #expect(throws: TensorError.seedGradientShape(expected: [2], got: [3])) {
      try y.backward(gradient: Tensor([1, 1, 1], shape: [3]))
    }
    try y.backward(gradient: Tensor([1, 10], shape: [2]))
    #expect(x.grad!.scalars == [3, 30])
  }

  @Test func secondBackwardThroughFreedGraphIsAnError() throws {
    let x = Tensor([1, 2], shape: [2], requiresGrad: true)
    let loss = (x.exp() * 2).sum()
    try loss.backward()
    let before = x.grad!.scalars
    #expect(throws: TensorError.self) { try loss.backward() }
    #expect(x.grad!.scalars == before)  // nothing accumulated by the failed call
    let kept = (x * x).sum()
    try kept.backward(retainGraph: true)
    try kept.backward()
    #expect(x.grad!.scalars == [before[0] + 4, before[1] + 8])
  }

  @Test func errorMessagesNameTheProblem() {
    #expect(TensorError.graphFreed(op: "exp").description.contains("'exp'"))
    #expect(TensorError.backwardOnNonScalar(shape: [2, 3]).description.contains("[2, 3]"))
  }
}
