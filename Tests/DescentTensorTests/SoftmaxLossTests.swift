import Testing
@testable import DescentTensor

/// Reference values from Reference/softmax_loss_reference.py (PyTorch).
@Suite struct SoftmaxLossTests {
  let targets = [2, 0, 3]

  @Test func logSoftmaxMatchesPyTorch() throws {
    let x = Fixture.tensor([3, 4], requiresGrad: true)
    let y = x.logSoftmax(axis: 1)
    expectClose(y.scalars, [-2.4124892, -1.7625085, -1.2496023, -0.79368514, -1.0863866, -1.1047908, -1.5264734, -2.1716833, -0.67630976, -1.2912335, -1.9503314, -2.598949])
    try y.backward(gradient: Fixture.tensor([3, 4], phase: 1, scale: 1))
    expectClose(x.grad!.scalars, [0.61592191, 0.38306755, -0.1414517, -0.85753781, 0.51102471, 0.23767465, -0.16965812, -0.57904124, 0.99930334, 0.10235012, -0.40977737, -0.69187623])
  }

  @Test func crossEntropyMatchesPyTorch() throws {
    let x = Fixture.tensor([3, 4], requiresGrad: true)
    let loss = x.crossEntropy(targets)
    expectClose([loss.item()], [1.6449794])
    try loss.backward()
    expectClose(x.grad!.scalars, [0.029864004, 0.057204612, -0.23779374, 0.15072513, -0.22085547, 0.11042672, 0.072433554, 0.037995197, 0.16949666, 0.09164381, 0.047408976, -0.30854943])
  }

  @Test func labelSmoothingMatchesPyTorch() throws {
    let x = Fixture.tensor([3, 4], requiresGrad: true)
    let loss = x.crossEntropy(targets, labelSmoothing: 0.1)
    expectClose([loss.item()], [1.6356851])
    try loss.backward()
    expectClose(x.grad!.scalars, [0.021530667, 0.048871271, -0.21279372, 0.14239179, -0.19585547, 0.10209338, 0.064100206, 0.029661855, 0.16116332, 0.08331047, 0.039075635, -0.28354943])
  }

  @Test func gradientsByFiniteDifferences() {
    let x = Fixture.tensor([3, 5])
    expectGradientsMatch([x]) { $0[0].logSoftmax(axis: 1) }
    expectGradientsMatch([x]) { $0[0].logSoftmax(axis: 0) }
    expectGradientsMatch([x]) { $0[0].softmax(axis: 1) }
    expectGradientsMatch([x]) { $0[0].crossEntropy([4, 0, 2], labelSmoothing: 0.1) }
  }

  @Test func stableForLargeLogits() {
    let x = Tensor([1000, 0, -1000], shape: [1, 3])
    expectClose(x.logSoftmax().scalars, [0, -1000, -2000])
  }
}
