import Testing
@testable import DescentTensor

/// SyncBatchNorm: one process's half of a batch, given the other half's sums through `sync`,
/// normalizes and back-propagates exactly as the whole batch does; its weight and bias
/// gradients stay its own (data-parallel training averages them afterwards).
struct SyncBatchNormTests {
  let n = 4, c = 3, spatial = 4
  var x: [Float] { Fixture.values(n * c * spatial, phase: 0.3, scale: 3).map { $0 + 1.5 } }
  var dy: [Float] { Fixture.values(n * c * spatial, phase: 1.1) }
  let weight: [Float] = [0.5, 2, -1], bias: [Float] = [0.1, -0.2, 0.3]

  func half(_ values: [Float], _ k: Int) -> [Float] { Array(values[(k * values.count / 2)..<((k + 1) * values.count / 2)]) }

  @Test func halfBatchWithTheOtherHalfsSumsIsTheWholeBatch() throws {
    // The whole batch.
    let xAll = Tensor(x, shape: [n, c, 2, 2], requiresGrad: true)
    let w = Tensor(weight, shape: [c], requiresGrad: true), b = Tensor(bias, shape: [c], requiresGrad: true)
    let yAll = xAll.batchNorm(weight: w, bias: b, runningMean: nil, runningVar: nil, training: true)
    try yAll.backward(gradient: Tensor(dy, shape: [n, c, 2, 2]))

    // The other half's contributions, in Double: Σx, Σx² and its count for the forward; Σdy and
    // Σdy·(x − global mean) for the backward.
    let xB = half(x, 1).map(Double.init), dyB = half(dy, 1).map(Double.init), xs = x.map(Double.init)
    let per = spatial, count = Double(n / 2 * spatial)
    func channel(_ values: [Double], _ ch: Int, images: Int) -> [Double] {
      var out: [Double] = []
      for i in 0..<images {
        let start = (i * c + ch) * per
        out += values[start..<(start + per)]
      }
      return out
    }
    let globalMean: [Double] = (0..<c).map { ch in
      let sum: Double = channel(xs, ch, images: n).reduce(0, +)
      return sum / Double(n * per)
    }
    var calls = 0
    let sync: CrossProcessSum = { sums in
      calls += 1
      for ch in 0..<c {
        let xc = channel(xB, ch, images: n / 2), dc = channel(dyB, ch, images: n / 2)
        var first = 0.0, second = 0.0
        for (d, v) in zip(dc, xc) {
          first += calls == 1 ? v : d
          second += calls == 1 ? v * v : d * (v - globalMean[ch])
        }
        sums[2 * ch] += first
        sums[2 * ch + 1] += second
      }
      sums[2 * c] += count
    }

    let xA = Tensor(half(x, 0), shape: [n / 2, c, 2, 2], requiresGrad: true)
    let wA = Tensor(weight, shape: [c], requiresGrad: true), bA = Tensor(bias, shape: [c], requiresGrad: true)
    let runningMean = Tensor.zeros([c]), runningVar = Tensor.ones([c])
    let yA = xA.batchNorm(weight: wA, bias: bA, runningMean: runningMean, runningVar: runningVar, training: true, sync: sync)
    try yA.backward(gradient: Tensor(half(dy, 0), shape: [n / 2, c, 2, 2]))
    #expect(calls == 2)
    expectClose(yA.scalars, half(yAll.scalars, 0), rtol: 1e-5, atol: 1e-5, "output")
    expectClose(xA.grad!.scalars, half(xAll.grad!.scalars, 0), rtol: 1e-4, atol: 1e-5, "input gradient")
    // Running statistics from the whole batch (unbiased over all n·spatial values).
    expectClose(runningMean.scalars, globalMean.map { Float(0.1 * $0) }, rtol: 1e-5, atol: 1e-6, "running mean")
    // This half's own dBias = Σdy over its images.
    let dyA = half(dy, 0).map(Double.init)
    let ownBiasGradient: [Float] = (0..<c).map { ch in Float(channel(dyA, ch, images: n / 2).reduce(0, +)) }
    expectClose(bA.grad!.scalars, ownBiasGradient, rtol: 1e-5, atol: 1e-6, "bias gradient")
  }
}
