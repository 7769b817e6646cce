import Foundation
import Testing

@testable import DescentTensor

/// The weight gradient of a convolution of a 1×1 map into a 1×1 map runs as one GEMM of its one
/// live tap (`SinglePixelWeightGradient`): against the definition, with and without a bias, and
/// through `conv2d` on blocked activations.
@Suite struct SinglePixelWeightGradientTests {
  static let geometries: [Conv2dGeometry] = [
    // ResNet's last stage at 28–32 px: 3×3, padding 1.
    Conv2dGeometry(batch: 5, inChannels: 32, outChannels: 48, height: 1, width: 1, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1),
    // Stride 2 reads the same single tap; a 5×3 kernel with padding (2, 1); a dilated one.
    Conv2dGeometry(batch: 3, inChannels: 7, outChannels: 5, height: 1, width: 1, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2, padH: 1, padW: 1),
    Conv2dGeometry(batch: 4, inChannels: 6, outChannels: 9, height: 1, width: 1, kernelHeight: 5, kernelWidth: 3, padH: 2, padW: 1),
    Conv2dGeometry(batch: 2, inChannels: 4, outChannels: 3, height: 1, width: 1, kernelHeight: 3, kernelWidth: 3, padH: 2, padW: 2, dilationH: 2, dilationW: 2),
    Conv2dGeometry(batch: 2, inChannels: 8, outChannels: 4, height: 1, width: 1, kernelHeight: 1, kernelWidth: 1),
  ]

  @Test(arguments: geometries, [false, true])
  func gradientsMatchTheDefinition(g: Conv2dGeometry, withBias: Bool) throws {
    let pixel = try #require(SinglePixelWeightGradient(g, layouts: .plain))
    let x = (0..<g.inputCount).map { Float(sin(0.37 * Double($0) + 0.5)) }
    let dy = (0..<g.outputCount).map { Float(cos(0.41 * Double($0))) }
    var dW = [Float](repeating: .nan, count: g.weightCount), dB = [Float](repeating: .nan, count: g.outChannels)
    dW.withUnsafeMutableBufferPointer { dW in
      dB.withUnsafeMutableBufferPointer { dB in
        pixel.backwardWeights(input: x, gradOutput: dy, gradWeight: dW.baseAddress!, gradBias: withBias ? dB.baseAddress : nil)
      }
    }
    let (dWExpected, dBExpected) = NaiveConvolution.backwardWeights(g, input: x, gradOutput: dy)
    expectClose(dW, dWExpected, "backward weights \(g)")
    if withBias { expectClose(dB, dBExpected, "backward bias \(g)") }
  }

  /// Where more than one tap meets the input (a 2×2 map), or activations are bfloat16, or grouped,
  /// it does not apply.
  @Test func appliesOnlyToOneLiveTap() {
    let two = Conv2dGeometry(batch: 2, inChannels: 16, outChannels: 16, height: 2, width: 2, kernelHeight: 3, kernelWidth: 3, strideH: 2, strideW: 2, padH: 1, padW: 1)
    #expect(SinglePixelWeightGradient(two, layouts: .plain) == nil)
    let one = Self.geometries[0]
    #expect(SinglePixelWeightGradient(one, layouts: .init(input: .init(blocked: true), output: .init(blocked: true))) != nil)
    #expect(SinglePixelWeightGradient(one, layouts: .init(input: .init(blocked: true, element: .bfloat16), output: .plain)) == nil)
    var grouped = one
    grouped.groups = 4
    #expect(SinglePixelWeightGradient(grouped, layouts: .plain) == nil)
  }

  /// Through `conv2d` under `.auto`, on the blocked activations training keeps (48 channels):
  /// the output and both gradients are the definition's.
  @Test func conv2dOnBlockedActivations() throws {
    let g = Self.geometries[0]
    let xv = (0..<g.inputCount).map { Float(sin(0.37 * Double($0) + 0.5)) }
    let wv = (0..<g.weightCount).map { Float(0.5 * sin(0.23 * Double($0) + 0.5)) }
    let x = Tensor(xv, shape: [g.batch, g.inChannels, 1, 1], requiresGrad: true)
    let w = Tensor(wv, shape: [g.outChannels, g.inChannels, 3, 3], requiresGrad: true)
    let y = x.conv2d(w, padding: 1)
    #expect(y.format.isBlocked)
    let yv = y.scalars
    try y.sum().backward()
    expectClose(yv, NaiveConvolution.forward(g, input: xv, weight: wv, bias: nil), "forward")
    let ones = [Float](repeating: 1, count: g.outputCount)
    expectClose(x.grad!.scalars, NaiveConvolution.backwardData(g, gradOutput: ones, weight: wv), "input gradient")
    expectClose(w.grad!.scalars, NaiveConvolution.backwardWeights(g, input: xv, gradOutput: ones).0, "weight gradient")
  }
}
