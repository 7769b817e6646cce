import Testing
@testable import DescentTensor

/// Finite-difference gradient checks of the Tensor-level convolution, pooling and batch-norm
/// ops (their kernels are checked against PyTorch in the *KernelTests).
@Suite struct LayerOpGradientTests {
  @Test func conv2dGradients() {
    let x = Fixture.tensor([2, 4, 5, 5])
    let w = Fixture.tensor([6, 2, 3, 3], phase: 0.7, scale: 0.5)
    let b = Fixture.tensor([6], phase: 1.1)
    expectGradientsMatch([x, w, b]) { $0[0].conv2d($0[1], bias: $0[2], stride: 2, padding: 1, groups: 2) }
    let w1 = Fixture.tensor([3, 4, 2, 3], phase: 0.2, scale: 0.5)
    expectGradientsMatch([x, w1]) { $0[0].conv2d($0[1], padding: Size2(1, 0), dilation: Size2(2, 1)) }
  }

  @Test func conv2dOutputShape() {
    let y = Tensor.zeros([2, 3, 9, 8]).conv2d(Tensor.zeros([5, 3, 3, 3]), stride: 2, padding: 1)
    #expect(y.shape == [2, 5, 5, 4])
  }

  @Test func poolingGradients() {
    // Step below the gaps between neighbouring values, so no maximum changes place.
    let x = Fixture.tensor([2, 3, 5, 6])
    expectGradientsMatch([x], step: 1e-3) { $0[0].maxPool2d(kernel: 3, stride: 2, padding: 1) }
    expectGradientsMatch([x]) { $0[0].avgPool2d(kernel: 2) }
    expectGradientsMatch([x]) { $0[0].avgPool2d(kernel: 3, stride: 2, padding: 1) }
    expectGradientsMatch([x]) { $0[0].adaptiveAvgPool2d(Size2(3, 4)) }
    expectGradientsMatch([x]) { $0[0].adaptiveAvgPool2d(1) }
    expectGradientsMatch([x], step: 1e-3) { $0[0].adaptiveMaxPool2d(Size2(2, 4)) }
  }

  @Test func maxPoolWithoutGradUsesInferencePath() {
    let x = Fixture.tensor([1, 2, 4, 4])
    let training = x.detach()
    training.requiresGrad = true
    let a = noGrad { x.maxPool2d(kernel: 2) }, b = training.maxPool2d(kernel: 2)
    #expect(a.scalars == b.scalars)
    #expect(a.shape == [1, 2, 2, 2])
  }

  @Test func batchNormTrainingGradients() {
    let weight = Fixture.tensor([3], phase: 1, scale: 0.25) + 1
    let bias = Fixture.tensor([3], phase: 2, scale: 0.5)
    for shape in [[4, 3], [2, 3, 2, 3]] {
      let x = Fixture.tensor(shape)
      expectGradientsMatch([x, weight.detach(), bias.detach()]) {
        $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: nil, runningVar: nil, training: true)
      }
      expectGradientsMatch([x]) {
        $0[0].batchNorm(weight: nil, bias: nil, runningMean: nil, runningVar: nil, training: true)
      }
    }
  }

  /// [N, C] features (a head's BatchNorm1d) take their own sums and, with C a multiple of 16,
  /// a vector walk for the elementwise passes: the values are the definition's, in training and
  /// in evaluation, the gradients the finite differences', and the fused ReLU (which keeps the
  /// runs of one value) is the batch norm's followed by relu(), to the bit.
  @Test func batchNormOfFeatureRows() throws {
    let (n, c) = (5, 32)
    let x = Fixture.tensor([n, c]), weight = Fixture.tensor([c], phase: 1, scale: 0.25) + 1
    let bias = Fixture.tensor([c], phase: 2, scale: 0.5)
    let mean = Fixture.tensor([c], phase: 3, scale: 0.3), variance = Fixture.tensor([c], phase: 4, scale: 0.5).exp()
    let (xs, ws, bs, ms, vs) = (x.scalars, weight.scalars, bias.scalars, mean.scalars, variance.scalars)
    let trained = x.batchNorm(weight: weight, bias: bias, runningMean: nil, runningVar: nil, training: true).scalars
    let evaluated = x.batchNorm(weight: weight, bias: bias, runningMean: mean, runningVar: variance, training: false).scalars
    for ch in 0..<c {
      let column = (0..<n).map { Double(xs[$0 * c + ch]) }
      let mu = column.reduce(0, +) / Double(n)
      let sigma2 = column.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(n)
      for i in 0..<n {
        let expected = (column[i] - mu) / (sigma2 + 1e-5).squareRoot() * Double(ws[ch]) + Double(bs[ch])
        #expect(abs(Double(trained[i * c + ch]) - expected) < 1e-5, "training, image \(i), channel \(ch)")
        let expectedEval = (column[i] - Double(ms[ch])) / (Double(vs[ch]) + 1e-5).squareRoot() * Double(ws[ch]) + Double(bs[ch])
        #expect(abs(Double(evaluated[i * c + ch]) - expectedEval) < 1e-5, "evaluation, image \(i), channel \(ch)")
      }
    }
    expectGradientsMatch([x, weight.detach(), bias.detach()]) {
      $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: nil, runningVar: nil, training: true)
    }
    // The fused ReLU, forward and backward, is the batch norm's followed by relu(), to the bit.
    func gradients(fused: Bool) throws -> [[Float]] {
      let (xg, wg) = (x.detach(), weight.detach())
      (xg.requiresGrad, wg.requiresGrad) = (true, true)
      let y = fused
        ? xg.batchNorm(weight: wg, bias: bias, runningMean: nil, runningVar: nil, training: true, relu: true)
        : xg.batchNorm(weight: wg, bias: bias, runningMean: nil, runningVar: nil, training: true).relu()
      try (y * Fixture.tensor([n, c], phase: 5)).sum().backward()
      return [y.scalars, xg.grad!.scalars, wg.grad!.scalars]
    }
    let (fused, composed) = (try gradients(fused: true), try gradients(fused: false))
    #expect(fused == composed)
  }

  @Test func batchNormEvalGradients() {
    let x = Fixture.tensor([2, 3, 2, 2])
    let mean = Fixture.tensor([3], phase: 3, scale: 0.3)
    let variance = Fixture.tensor([3], phase: 4, scale: 0.5).exp()
    let weight = Fixture.tensor([3], phase: 1, scale: 0.25) + 1, bias = Fixture.tensor([3], phase: 2, scale: 0.5)
    expectGradientsMatch([x, weight, bias]) {
      $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: mean, runningVar: variance, training: false)
    }
  }

  /// Running statistics move by momentum towards the batch's mean and unbiased variance.
  @Test func batchNormRunningStatistics() {
    let x = Fixture.tensor([4, 2, 3])
    let runningMean = Tensor.full([2], 0.5), runningVar = Tensor.full([2], 2)
    _ = x.batchNorm(weight: nil, bias: nil, runningMean: runningMean, runningVar: runningVar, training: true, momentum: 0.25)
    let batchMean = x.mean(axes: [0, 2]).scalars, batchVar = x.variance(axes: [0, 2], unbiased: true).scalars
    expectClose(runningMean.scalars, batchMean.map { 0.75 * 0.5 + 0.25 * $0 })
    expectClose(runningVar.scalars, batchVar.map { 0.75 * 2 + 0.25 * $0 }, rtol: 1e-4)
    #expect(runningMean.grad == nil && !runningMean.requiresGrad)
  }
}
