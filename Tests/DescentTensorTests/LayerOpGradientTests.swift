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
