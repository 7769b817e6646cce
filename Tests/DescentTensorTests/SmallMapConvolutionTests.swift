import Foundation
import Testing

@testable import DescentTensor

/// Convolutions on small maps as one GEMM over whole images (`SmallMapConvolution`): all three
/// passes against the definition, on plain and blocked activations, with and without a bias,
/// the input gradient with and without the forward's unrolled kernel, and where it applies.
@Suite struct SmallMapConvolutionTests {
  static func geometry(
    _ n: Int, _ cin: Int, _ cout: Int, _ h: Int, _ w: Int, kernel: (Int, Int) = (3, 3), stride: Int = 1,
    pad: (Int, Int) = (1, 1), dilation: Int = 1
  ) -> Conv2dGeometry {
    Conv2dGeometry(
      batch: n, inChannels: cin, outChannels: cout, height: h, width: w, kernelHeight: kernel.0, kernelWidth: kernel.1,
      strideH: stride, strideW: stride, padH: pad.0, padW: pad.1, dilationH: dilation, dilationW: dilation)
  }

  /// A ResNet's deep stages at 28–32 px and their relatives; channels multiples of 16, so each
  /// runs on blocked activations too.
  static let geometries: [Conv2dGeometry] = [
    geometry(3, 32, 48, 2, 2),  // 3×3 on 2×2: every pixel pair joined
    geometry(2, 16, 32, 2, 2, stride: 2),  // the first block of a stage: 2×2 into 1×1
    geometry(5, 32, 16, 1, 1),  // 3×3 on 1×1: one tap
    geometry(2, 16, 16, 1, 1, kernel: (5, 3), pad: (2, 1)),
    geometry(2, 16, 16, 1, 1, pad: (2, 2), dilation: 2),
    geometry(4, 16, 32, 1, 1, kernel: (1, 1), pad: (0, 0)),
    geometry(2, 16, 16, 3, 3),  // 3×3 on 3×3: 49 of 81 pairs joined, the rest zero blocks
    geometry(2, 16, 16, 2, 3),  // not square
    geometry(3, 16, 32, 4, 4, stride: 2),  // a stage's first block: 4×4 into 2×2, 25 of 64 joined
    geometry(2, 16, 16, 4, 4),  // 3×3 on 4×4: 100 of 256 joined
  ]

  static let layouts: [ConvolutionLayouts] = [
    .plain,
    ConvolutionLayouts(input: .init(blocked: true), output: .init(blocked: true)),
    ConvolutionLayouts(input: .plain, output: .init(blocked: true)),
  ]

  @Test(arguments: geometries, [false, true])
  func passesMatchTheDefinition(g: Conv2dGeometry, withBias: Bool) throws {
    let c = NaiveConvolution.Case(g, withBias: withBias)
    let (x, w, b, dy, y, dx, dw, db) = (c.x, c.w, c.b, c.dy, c.y, c.dx, c.dw, c.db)
    let inShape = [g.batch, g.inChannels, g.height, g.width], outShape = [g.batch, g.outChannels, g.outHeight, g.outWidth]
    var previous: ConvolutionReuse? = nil
    for layouts in Self.layouts {
      let map = try #require(SmallMapConvolution(g, layouts: layouts), "applies to \(g) on \(layouts)")
      // Operands in the layouts' formats; results read back in logical order.
      func tensor(_ values: [Float], _ shape: [Int], _ format: ActivationFormat) -> Tensor {
        Tensor(values, shape: shape).converted(to: format.storageFormat(shape))
      }
      let (xs, dys) = (tensor(x, inShape, layouts.input), tensor(dy, outShape, layouts.output))
      let ys = Tensor(uninitializedShape: outShape, format: layouts.output.storageFormat(outShape))
      let dxs = Tensor(uninitializedShape: inShape, format: layouts.input.storageFormat(inShape))
      let dws = Tensor(uninitializedShape: [g.weightCount]), dbs = Tensor(uninitializedShape: [g.outChannels])
      let (wt, bt) = (Tensor(w), Tensor(b))
      // The backward reads the kernel the forward unrolled (its own layouts' only: another
      // layout's is unrolled differently), or unrolls it itself.
      let reuse = ConvolutionReuse()
      map.forward(input: xs.floats, weight: wt.pointer, bias: withBias ? UnsafePointer(bt.pointer) : nil, output: ys.floats, reuse: reuse)
      #expect(reuse.kept != nil)
      let dxsOwn = Tensor(uninitializedShape: inShape, format: layouts.input.storageFormat(inShape))
      let dxsOther = Tensor(uninitializedShape: inShape, format: layouts.input.storageFormat(inShape))
      map.backwardData(gradOutput: dys.floats, weight: wt.pointer, gradInput: dxs.floats, reuse: reuse)
      map.backwardData(gradOutput: dys.floats, weight: wt.pointer, gradInput: dxsOwn.floats, reuse: nil)
      map.backwardData(gradOutput: dys.floats, weight: wt.pointer, gradInput: dxsOther.floats, reuse: previous)
      previous = reuse
      map.backwardWeights(input: xs.floats, gradOutput: dys.floats, gradWeight: dws.pointer, gradBias: withBias ? dbs.pointer : nil)
      let what = "\(g) on \(layouts)"
      expectClose(ys.scalars, y, "forward \(what)")
      expectClose(dxs.scalars, dx, "backward data \(what)")
      #expect(dxsOwn.scalars == dxs.scalars && dxsOther.scalars == dxs.scalars, "the same input gradient, whoever unrolled")
      expectClose(dws.scalars, dw, "backward weights \(what)")
      if withBias { expectClose(dbs.scalars, db, "backward bias \(what)") }
    }
  }

  /// The forward is offered only where it would do at most twice the useful work, the gradients
  /// (tap by tap where pairs are missing) on any small map: 3×3 on 2×2 and 1×1 maps all three;
  /// on 4×4 (100 of 256 pixel pairs joined) and 4×4 into 2×2 (25 of 64) the gradients only. Maps too large for half of the pairs to be joined (3×3 on 5×5; a 1×1
  /// stride-2 kernel on 2×2: 1 of 4) have none, nor bfloat16 or grouped convolutions.
  @Test func appliesOnlyWhereMostPixelPairsAreJoined() throws {
    for (g, all) in [(Self.geometries[0], true), (Self.geometries[2], true), (Self.geometry(2, 16, 16, 4, 4), false),
                     (Self.geometry(2, 16, 32, 4, 4, stride: 2), false)] {
      let form = try #require(SmallMapConvolution(g, layouts: .plain))
      #expect(ConvolutionDirection.allCases.map { form.offered(for: $0) } == [all, true, true], "\(g)")
    }
    #expect(SmallMapConvolution(Self.geometry(2, 16, 16, 5, 5), layouts: .plain) == nil)
    #expect(SmallMapConvolution(Self.geometry(2, 16, 32, 2, 2, kernel: (1, 1), stride: 2, pad: (0, 0)), layouts: .plain) == nil)
    let one = Self.geometries[2]
    #expect(SmallMapConvolution(one, layouts: .init(input: .init(blocked: true, element: .bfloat16), output: .plain)) == nil)
    var grouped = one
    grouped.groups = 4
    #expect(SmallMapConvolution(grouped, layouts: .plain) == nil)
  }

  /// Through the kernels' entry point with the algorithm forced: where it does not apply (5×5),
  /// oneDNN's kernels run instead, with the same results.
  @Test func forcedWhereItDoesNotApplyRunsDNNL() {
    let g = Self.geometry(2, 16, 16, 5, 5)
    let x = (0..<g.inputCount).map { Float(sin(0.37 * Double($0))) }, w = (0..<g.weightCount).map { Float(cos(0.29 * Double($0))) }
    var y = [Float](repeating: .nan, count: g.outputCount)
    ConvolutionKernels.forward(g, input: x, weight: w, bias: nil, output: &y, using: .smallMap)
    expectClose(y, NaiveConvolution.forward(g, input: x, weight: w, bias: nil), "forward")
  }
}
