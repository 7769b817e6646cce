import Foundation
import Testing

@testable import DescentTensor

/// 3×3 convolutions on 2×2 maps by minimal filtering (`Winograd2x2Convolution`): all three passes
/// against the definition, with and without a bias, the backward with and without what the
/// forward kept, through `conv2d`, and where it applies.
@Suite struct Winograd2x2ConvolutionTests {
  static func geometry(_ n: Int, _ cin: Int, _ cout: Int, _ h: Int = 2, _ w: Int = 2, stride: Int = 1, pad: Int = 1) -> Conv2dGeometry {
    Conv2dGeometry(
      batch: n, inChannels: cin, outChannels: cout, height: h, width: w, kernelHeight: 3, kernelWidth: 3,
      strideH: stride, strideW: stride, padH: pad, padW: pad)
  }

  static let blocked = ConvolutionLayouts(input: .init(blocked: true), output: .init(blocked: true))

  @Test(arguments: [geometry(3, 32, 48), geometry(2, 16, 16), geometry(5, 48, 16)], [false, true])
  func passesMatchTheDefinition(g: Conv2dGeometry, withBias: Bool) throws {
    let c = NaiveConvolution.Case(g, withBias: withBias)
    let (x, w, b, dy, y, dx, dw, db) = (c.x, c.w, c.b, c.dy, c.y, c.dx, c.dw, c.db)
    let winograd = try #require(Winograd2x2Convolution(g, layouts: Self.blocked))
    let inShape = [g.batch, g.inChannels, 2, 2], outShape = [g.batch, g.outChannels, 2, 2]
    func blocked(_ values: [Float], _ shape: [Int]) -> Tensor { Tensor(values, shape: shape).converted(to: .blocked(shape)!) }
    let (xs, dys, wt, bt) = (blocked(x, inShape), blocked(dy, outShape), Tensor(w), Tensor(b))
    // With what the forward kept, and without (each backward transforms again).
    for keeps in [true, false] {
      let reuse = keeps ? ConvolutionReuse() : nil
      let ys = Tensor(uninitializedShape: outShape, format: .blocked(outShape)!)
      winograd.forward(input: xs.floats, weight: wt.pointer, bias: withBias ? UnsafePointer(bt.pointer) : nil, output: ys.floats, reuse: reuse)
      #expect((reuse?.kept != nil) == keeps)
      let dxs = Tensor(uninitializedShape: inShape, format: .blocked(inShape)!)
      let dws = Tensor(uninitializedShape: [g.weightCount]), dbs = Tensor(uninitializedShape: [g.outChannels])
      winograd.backwardData(gradOutput: dys.floats, weight: wt.pointer, gradInput: dxs.floats, reuse: reuse)
      winograd.backwardWeights(
        input: xs.floats, gradOutput: dys.floats, gradWeight: dws.pointer, gradBias: withBias ? dbs.pointer : nil, reuse: reuse)
      let what = "\(g), kept \(keeps)"
      expectClose(ys.scalars, y, "forward \(what)")
      expectClose(dxs.scalars, dx, "backward data \(what)")
      expectClose(dws.scalars, dw, "backward weights \(what)")
      if withBias { expectClose(dbs.scalars, db, "backward bias \(what)") }
    }
  }

  /// Through `conv2d` and autograd with the algorithm forced for this task: the same values and
  /// gradients as oneDNN's direct kernels, within float32 rounding (sums of 512 products of
  /// values near 1: 1e-4 absolute).
  @Test func conv2dTrainsAsWithDirectKernels() throws {
    let x0 = Tensor((0..<(128 * 32 * 4)).map { Float(sin(0.11 * Double($0))) }, shape: [128, 32, 2, 2])
    let w0 = Tensor((0..<(48 * 32 * 9)).map { Float(0.2 * cos(0.07 * Double($0))) }, shape: [48, 32, 3, 3])
    func run(_ algorithm: ConvolutionAlgorithm) throws -> (y: [Float], dx: [Float], dw: [Float]) {
      try ConvolutionKernels.$taskAlgorithm.withValue(algorithm) {
        let x = x0.converted(to: .blocked(x0.shape)!).detach(), w = w0.detach()
        x.requiresGrad = true
        w.requiresGrad = true
        let y = x.conv2d(w, padding: 1)
        try (y * y).sum().backward()
        return (y.scalars, x.grad!.scalars, w.grad!.scalars)
      }
    }
    let (winograd, direct) = (try run(.winograd2x2), try run(.dnnl))
    expectClose(winograd.y, direct.y, atol: 1e-4, "forward")
    expectClose(winograd.dx, direct.dx, atol: 1e-4, "input gradient")
    expectClose(winograd.dw, direct.dw, atol: 1e-4, "weight gradient")
    #expect(winograd.y != direct.y, "a different rounding shows the minimal filtering ran")
  }

  /// Only 3×3, stride 1, padding 1, on 2×2 maps of blocked activations.
  @Test func appliesOnlyToThreeByThreeOnTwoByTwo() {
    #expect(Winograd2x2Convolution(Self.geometry(2, 16, 16), layouts: Self.blocked) != nil)
    #expect(Winograd2x2Convolution(Self.geometry(2, 16, 16), layouts: .plain) == nil)
    #expect(Winograd2x2Convolution(Self.geometry(2, 16, 16, 4, 4), layouts: Self.blocked) == nil)
    #expect(Winograd2x2Convolution(Self.geometry(2, 16, 16, 2, 1), layouts: Self.blocked) == nil)
    #expect(Winograd2x2Convolution(Self.geometry(2, 16, 16, stride: 2), layouts: Self.blocked) == nil)
    #expect(Winograd2x2Convolution(Self.geometry(2, 16, 16, pad: 2), layouts: Self.blocked) == nil)
    #expect(Winograd2x2Convolution(Self.geometry(2, 24, 16), layouts: Self.blocked) == nil)
  }
}
