import Foundation
import Testing
@testable import DescentTensor

/// The kernel tests' inputs and comparisons: `Fixture`'s formula (as
/// Reference/pool_batchnorm_reference.py computes it) at scale 1, and `expectClose` naming what
/// was compared.
enum KernelFixture {
  static func values(_ n: Int, phase: Double = 0, scale: Double = 1) -> [Float] {
    Fixture.values(n, phase: phase, scale: scale)
  }

  static func expectClose(
    _ a: [Float], _ b: [Float], rtol: Float = 1e-4, atol: Float = 1e-5, _ what: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    DescentTensorTests.expectClose(a, b, rtol: rtol, atol: atol, what, sourceLocation: sourceLocation)
  }
}

/// Straightforward loops, as PyTorch's CPU reference kernels define pooling.
private enum NaivePool {
  /// Max pooling (padding never wins) with the flat input index of each maximum.
  static func max(_ x: [Float], _ g: Pool2dGeometry) -> (output: [Float], argmax: [Int]) {
    var out: [Float] = [], argmax: [Int] = []
    for plane in 0..<(g.batch * g.channels) {
      for i in 0..<g.outHeight {
        for j in 0..<g.outWidth {
          var best = -Float.infinity, at = -1
          for di in 0..<g.kernelH {
            for dj in 0..<g.kernelW {
              let h = i * g.strideH - g.padH + di, w = j * g.strideW - g.padW + dj
              guard h >= 0, h < g.height, w >= 0, w < g.width else { continue }
              let index = (plane * g.height + h) * g.width + w
              if x[index] > best { best = x[index]; at = index }
            }
          }
          out.append(best)
          argmax.append(at)
        }
      }
    }
    return (out, argmax)
  }

  /// Average pooling with count_include_pad=True: PyTorch divides by the window clipped to the
  /// padded input, which under the floor rule is always kernelH·kernelW.
  static func avg(_ x: [Float], _ g: Pool2dGeometry) -> [Float] {
    var out: [Float] = []
    for plane in 0..<(g.batch * g.channels) {
      for i in 0..<g.outHeight {
        for j in 0..<g.outWidth {
          let h0 = i * g.strideH - g.padH, w0 = j * g.strideW - g.padW
          let h1 = Swift.min(h0 + g.kernelH, g.height + g.padH), w1 = Swift.min(w0 + g.kernelW, g.width + g.padW)
          var sum: Double = 0
          for h in Swift.max(h0, 0)..<Swift.min(h1, g.height) {
            for w in Swift.max(w0, 0)..<Swift.min(w1, g.width) { sum += Double(x[(plane * g.height + h) * g.width + w]) }
          }
          out.append(Float(sum / Double((h1 - h0) * (w1 - w0))))
        }
      }
    }
    return out
  }

  static func avgBackward(_ dy: [Float], _ g: Pool2dGeometry) -> [Float] {
    var dx = [Double](repeating: 0, count: g.inputCount)
    var k = 0
    for plane in 0..<(g.batch * g.channels) {
      for i in 0..<g.outHeight {
        for j in 0..<g.outWidth {
          let h0 = i * g.strideH - g.padH, w0 = j * g.strideW - g.padW
          let h1 = Swift.min(h0 + g.kernelH, g.height + g.padH), w1 = Swift.min(w0 + g.kernelW, g.width + g.padW)
          let share = Double(dy[k]) / Double((h1 - h0) * (w1 - w0))
          k += 1
          for h in Swift.max(h0, 0)..<Swift.min(h1, g.height) {
            for w in Swift.max(w0, 0)..<Swift.min(w1, g.width) { dx[(plane * g.height + h) * g.width + w] += share }
          }
        }
      }
    }
    return dx.map { Float($0) }
  }

  static func scatter(_ dy: [Float], _ at: [Int], count: Int) -> [Float] {
    var dx = [Double](repeating: 0, count: count)
    for (g, i) in zip(dy, at) { dx[i] += Double(g) }
    return dx.map { Float($0) }
  }

  static func bin(_ i: Int, _ size: Int, _ out: Int) -> Range<Int> {
    (i * size / out)..<Int((Double((i + 1) * size) / Double(out)).rounded(.up))
  }

  /// Adaptive pooling; `max` also returns the flat input index of each maximum.
  static func adaptive(
    _ x: [Float], planes: Int, _ h: Int, _ w: Int, _ oh: Int, _ ow: Int, max: Bool
  ) -> (output: [Float], argmax: [Int]) {
    var out: [Float] = [], argmax: [Int] = []
    for plane in 0..<planes {
      for i in 0..<oh {
        for j in 0..<ow {
          var sum: Double = 0, best = -Float.infinity, at = -1, n = 0
          for r in bin(i, h, oh) {
            for c in bin(j, w, ow) {
              let index = (plane * h + r) * w + c
              sum += Double(x[index])
              n += 1
              if x[index] > best { best = x[index]; at = index }
            }
          }
          out.append(max ? best : Float(sum / Double(n)))
          argmax.append(at)
        }
      }
    }
    return (out, argmax)
  }

  static func adaptiveAvgBackward(_ dy: [Float], planes: Int, _ h: Int, _ w: Int, _ oh: Int, _ ow: Int) -> [Float] {
    var dx = [Double](repeating: 0, count: planes * h * w)
    var k = 0
    for plane in 0..<planes {
      for i in 0..<oh {
        for j in 0..<ow {
          let rows = bin(i, h, oh), cols = bin(j, w, ow)
          let share = Double(dy[k]) / Double(rows.count * cols.count)
          k += 1
          for r in rows { for c in cols { dx[(plane * h + r) * w + c] += share } }
        }
      }
    }
    return dx.map { Float($0) }
  }
}

/// Runs the oneDNN kernels on arrays: forward output, and the input gradient for `gradOutput`.
private func runPool(_ g: Pool2dGeometry, max: Bool, _ x: [Float], _ dy: [Float]) -> (output: [Float], gradInput: [Float]) {
  var y = [Float](repeating: .nan, count: g.outputCount)
  var dx = [Float](repeating: .nan, count: g.inputCount)
  if max {
    let workspace = MaxPoolWorkspace(g)
    PoolingKernels.maxPool2dForward(g, input: x, output: &y, workspace: workspace)
    PoolingKernels.maxPool2dBackward(g, gradOutput: dy, workspace: workspace, gradInput: &dx)
  } else {
    PoolingKernels.avgPool2dForward(g, input: x, output: &y)
    PoolingKernels.avgPool2dBackward(g, gradOutput: dy, gradInput: &dx)
  }
  return (y, dx)
}

private struct AdaptiveCase: Sendable, CustomStringConvertible {
  var n: Int, c: Int, h: Int, w: Int, oh: Int, ow: Int
  var description: String { "\(n)×\(c)×\(h)×\(w)→\(oh)×\(ow)" }
}

private func runAdaptive(_ s: AdaptiveCase, max: Bool, _ x: [Float], _ dy: [Float]) -> (output: [Float], gradInput: [Float], indices: [Int32]) {
  let planes = s.n * s.c
  var y = [Float](repeating: .nan, count: planes * s.oh * s.ow)
  var dx = [Float](repeating: .nan, count: planes * s.h * s.w)
  var indices = [Int32](repeating: -1, count: y.count)
  if max {
    AdaptivePoolingKernels.maxPool2dForward(
      input: x, batch: s.n, channels: s.c, height: s.h, width: s.w, outHeight: s.oh, outWidth: s.ow,
      output: &y, indices: &indices)
    AdaptivePoolingKernels.maxPool2dBackward(
      gradOutput: dy, indices: indices, batch: s.n, channels: s.c, height: s.h, width: s.w,
      outHeight: s.oh, outWidth: s.ow, gradInput: &dx)
  } else {
    AdaptivePoolingKernels.avgPool2dForward(
      input: x, batch: s.n, channels: s.c, height: s.h, width: s.w, outHeight: s.oh, outWidth: s.ow, output: &y)
    AdaptivePoolingKernels.avgPool2dBackward(
      gradOutput: dy, batch: s.n, channels: s.c, height: s.h, width: s.w, outHeight: s.oh, outWidth: s.ow,
      gradInput: &dx)
  }
  return (y, dx, indices)
}

@Suite struct PoolingKernelTests {
  static let geometries: [Pool2dGeometry] = [
    // non-square input, non-square kernel, unequal strides, padding
    Pool2dGeometry(batch: 1, channels: 2, height: 7, width: 9, kernelH: 3, kernelW: 2, strideH: 2, strideW: 1, padH: 1, padW: 1),
    // the ResNet stem's pool, with (H + 2p − k) not divisible by the stride
    Pool2dGeometry(batch: 2, channels: 3, height: 6, width: 5, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1),
    // stride defaults to the kernel; windows that would start past the input are dropped
    Pool2dGeometry(batch: 2, channels: 2, height: 5, width: 7, kernelH: 2, kernelW: 2),
    // stride larger than the kernel skips inputs
    Pool2dGeometry(batch: 1, channels: 3, height: 8, width: 8, kernelH: 2, kernelW: 3, strideH: 3, strideW: 3),
    // the largest padding PyTorch allows
    Pool2dGeometry(batch: 1, channels: 1, height: 4, width: 6, kernelH: 5, kernelW: 4, strideH: 1, strideW: 2, padH: 2, padW: 2),
  ]

  @Test func geometryFollowsTheFloorRule() {
    let g = Pool2dGeometry(batch: 2, channels: 3, height: 6, width: 5, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1)
    #expect(g.outHeight == 3 && g.outWidth == 3)
    let stem = Pool2dGeometry(batch: 1, channels: 64, height: 112, width: 112, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1)
    #expect(stem.outHeight == 56 && stem.outWidth == 56)
    let defaulted = Pool2dGeometry(batch: 1, channels: 1, height: 5, width: 7, kernelH: 2, kernelW: 2)
    #expect(defaulted.strideH == 2 && defaulted.outHeight == 2 && defaulted.outWidth == 3)
  }

  @Test func paddingOverHalfTheKernelIsRejected() async {
    await #expect(processExitsWith: .failure) {
      _ = Pool2dGeometry(batch: 1, channels: 1, height: 8, width: 8, kernelH: 3, kernelW: 3, padH: 2, padW: 1)
    }
  }

  @Test(arguments: geometries) func maxPoolMatchesNaiveLoops(_ g: Pool2dGeometry) {
    let x = KernelFixture.values(g.inputCount, scale: 2)
    let dy = KernelFixture.values(g.outputCount, phase: 0.5)
    let (expected, argmax) = NaivePool.max(x, g)
    let (y, dx) = runPool(g, max: true, x, dy)
    KernelFixture.expectClose(y, expected, "output")
    KernelFixture.expectClose(dx, NaivePool.scatter(dy, argmax, count: g.inputCount), "gradInput")
  }

  @Test(arguments: geometries) func avgPoolMatchesNaiveLoops(_ g: Pool2dGeometry) {
    let x = KernelFixture.values(g.inputCount, scale: 2)
    let dy = KernelFixture.values(g.outputCount, phase: 0.5)
    let (y, dx) = runPool(g, max: false, x, dy)
    KernelFixture.expectClose(y, NaivePool.avg(x, g), "output")
    KernelFixture.expectClose(dx, NaivePool.avgBackward(dy, g), "gradInput")
  }

  @Test func maxPoolInferenceMatchesTraining() {
    let g = Self.geometries[1]
    let x = KernelFixture.values(g.inputCount)
    var training = [Float](repeating: 0, count: g.outputCount), inference = training
    PoolingKernels.maxPool2dForward(g, input: x, output: &training, workspace: MaxPoolWorkspace(g))
    PoolingKernels.maxPool2dForward(g, input: x, output: &inference, workspace: nil)
    #expect(training == inference)
  }

  @Test func backwardOverwritesGradInput() {
    let g = Self.geometries[3]  // stride > kernel: some inputs get no gradient at all
    let dy = KernelFixture.values(g.outputCount)
    let workspace = MaxPoolWorkspace(g)
    var y = [Float](repeating: 0, count: g.outputCount)
    PoolingKernels.maxPool2dForward(g, input: KernelFixture.values(g.inputCount), output: &y, workspace: workspace)
    var dx = [Float](repeating: 7, count: g.inputCount)
    PoolingKernels.maxPool2dBackward(g, gradOutput: dy, workspace: workspace, gradInput: &dx)
    #expect(!dx.contains(7) && dx.contains(0))
    dx = [Float](repeating: 7, count: g.inputCount)
    PoolingKernels.avgPool2dBackward(g, gradOutput: dy, gradInput: &dx)
    #expect(!dx.contains(7) && dx.contains(0))
  }

  /// Cached primitives run from many threads at once (each call brings its own scratchpad).
  @Test func concurrentCallsAgree() {
    let g = Pool2dGeometry(batch: 4, channels: 32, height: 33, width: 32, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1)
    let x = KernelFixture.values(g.inputCount, scale: 2)
    let dy = KernelFixture.values(g.outputCount, phase: 0.5)
    let expected = [runPool(g, max: true, x, dy), runPool(g, max: false, x, dy)]
    let agree = Locked(true)
    DispatchQueue.concurrentPerform(iterations: 64) { i in
      let r = runPool(g, max: i % 2 == 0, x, dy)
      if r.output != expected[i % 2].output || r.gradInput != expected[i % 2].gradInput {
        agree.withLock { $0 = false }
      }
    }
    #expect(agree.withLock { $0 })
  }

  @Test func primitivesAreCachedPerGeometry() {
    let g = Pool2dGeometry(batch: 3, channels: 2, height: 9, width: 9, kernelH: 3, kernelW: 3)
    #expect(PoolingKernels.primitive(g, .maxTraining) === PoolingKernels.primitive(g, .maxTraining))
    #expect(PoolingKernels.primitive(g, .avgBackward) === PoolingKernels.primitive(g, .avgBackward))
    #expect(PoolingKernels.primitive(g, .maxTraining) !== PoolingKernels.primitive(g, .maxInference))
  }

  @Test func poolingMatchesPyTorch() {
    let g = Pool2dGeometry(batch: 2, channels: 3, height: 5, width: 6, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1)
    let x = KernelFixture.values(g.inputCount)
    let dy = KernelFixture.values(g.outputCount, phase: 0.5)
    let max = runPool(g, max: true, x, dy)
    KernelFixture.expectClose(max.output, PoolingReference.maxPoolOutput, "max_pool2d")
    KernelFixture.expectClose(max.gradInput, PoolingReference.maxPoolGradInput, "max_pool2d grad")
    let avg = runPool(g, max: false, x, dy)
    KernelFixture.expectClose(avg.output, PoolingReference.avgPoolOutput, "avg_pool2d")
    KernelFixture.expectClose(avg.gradInput, PoolingReference.avgPoolGradInput, "avg_pool2d grad")
  }

  @Test func ceilModeMatchesPyTorch() {
    let maxG = Pool2dGeometry(
      batch: 2, channels: 3, height: 5, width: 7, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1,
      ceilMode: true)
    let avgG = Pool2dGeometry(batch: 2, channels: 3, height: 5, width: 7, kernelH: 2, kernelW: 2, ceilMode: true)
    #expect((maxG.outHeight, maxG.outWidth) == (3, 4) && (avgG.outHeight, avgG.outWidth) == (3, 4))
    let x = KernelFixture.values(maxG.inputCount)
    let max = runPool(maxG, max: true, x, KernelFixture.values(maxG.outputCount, phase: 0.5))
    KernelFixture.expectClose(max.output, PoolingReference.maxPoolCeilOutput, "max_pool2d ceil_mode")
    KernelFixture.expectClose(max.gradInput, PoolingReference.maxPoolCeilGradInput, "max_pool2d ceil_mode grad")
    let avg = runPool(avgG, max: false, x, KernelFixture.values(avgG.outputCount, phase: 0.5))
    KernelFixture.expectClose(avg.output, PoolingReference.avgPoolCeilOutput, "avg_pool2d ceil_mode")
    KernelFixture.expectClose(avg.gradInput, PoolingReference.avgPoolCeilGradInput, "avg_pool2d ceil_mode grad")
  }

  fileprivate static let adaptiveCases: [AdaptiveCase] = [
    AdaptiveCase(n: 2, c: 3, h: 5, w: 7, oh: 3, ow: 2),  // overlapping bins
    AdaptiveCase(n: 2, c: 2, h: 6, w: 4, oh: 1, ow: 1),  // global pooling
    AdaptiveCase(n: 1, c: 2, h: 6, w: 6, oh: 3, ow: 3),  // divisible: plain 2×2 pooling
    AdaptiveCase(n: 1, c: 2, h: 3, w: 4, oh: 5, ow: 6),  // output larger than input
    AdaptiveCase(n: 4, c: 16, h: 33, w: 31, oh: 7, ow: 5),  // large enough to run in parallel
  ]

  @Test(arguments: adaptiveCases) fileprivate func adaptiveAvgMatchesNaiveLoops(_ s: AdaptiveCase) {
    let planes = s.n * s.c
    let x = KernelFixture.values(planes * s.h * s.w, scale: 2)
    let dy = KernelFixture.values(planes * s.oh * s.ow, phase: 0.5)
    let (y, dx, _) = runAdaptive(s, max: false, x, dy)
    KernelFixture.expectClose(y, NaivePool.adaptive(x, planes: planes, s.h, s.w, s.oh, s.ow, max: false).output, "output")
    KernelFixture.expectClose(dx, NaivePool.adaptiveAvgBackward(dy, planes: planes, s.h, s.w, s.oh, s.ow), "gradInput")
  }

  @Test(arguments: adaptiveCases) fileprivate func adaptiveMaxMatchesNaiveLoops(_ s: AdaptiveCase) {
    let planes = s.n * s.c
    let x = KernelFixture.values(planes * s.h * s.w, scale: 2)
    let dy = KernelFixture.values(planes * s.oh * s.ow, phase: 0.5)
    let (expected, argmax) = NaivePool.adaptive(x, planes: planes, s.h, s.w, s.oh, s.ow, max: true)
    let (y, dx, indices) = runAdaptive(s, max: true, x, dy)
    KernelFixture.expectClose(y, expected, "output")
    // Indices are within the plane, as PyTorch's return_indices.
    let planeSize = s.h * s.w, outSize = s.oh * s.ow
    #expect(indices.enumerated().map { k, i in (k / outSize) * planeSize + Int(i) } == argmax)
    KernelFixture.expectClose(dx, NaivePool.scatter(dy, argmax, count: planes * planeSize), "gradInput")
  }

  /// PyTorch's loop lets a NaN win and keeps the last one; its outputs for this input were
  /// taken from `F.adaptive_max_pool2d(..., return_indices=True)`.
  @Test func adaptiveMaxPropagatesNaNLikePyTorch() {
    var x = (0..<20).map(Float.init)
    x[6] = .nan
    x[13] = .nan
    for (oh, ow, values, expected) in [
      (1, 1, [Float.nan], [13]), (2, 2, [.nan, 9, 17, .nan], [6, 9, 17, 13]), (4, 1, [4, .nan, .nan, 19], [4, 6, 13, 19]),
    ] as [(Int, Int, [Float], [Int32])] {
      let s = AdaptiveCase(n: 1, c: 1, h: 4, w: 5, oh: oh, ow: ow)
      let (y, _, indices) = runAdaptive(s, max: true, x, [Float](repeating: 1, count: oh * ow))
      #expect(indices == expected, "\(s)")
      #expect(zip(y, values).allSatisfy { $0.isNaN ? $1.isNaN : $0 == $1 }, "\(s): \(y)")
    }
    // Infinities of both signs: no NaN, but a lane sum of them is one.
    var inf = (0..<20).map(Float.init)
    inf[0] = -.infinity
    inf[3] = .infinity
    inf[17] = .infinity
    let (y, _, indices) = runAdaptive(AdaptiveCase(n: 1, c: 1, h: 4, w: 5, oh: 1, ow: 1), max: true, inf, [1])
    #expect(y == [.infinity] && indices == [3])
  }

  @Test func adaptivePoolingMatchesPyTorch() {
    let s = AdaptiveCase(n: 2, c: 3, h: 5, w: 7, oh: 3, ow: 2)
    let x = KernelFixture.values(s.n * s.c * s.h * s.w)
    let dy = KernelFixture.values(s.n * s.c * s.oh * s.ow, phase: 0.5)
    let avg = runAdaptive(s, max: false, x, dy)
    KernelFixture.expectClose(avg.output, PoolingReference.adaptiveAvgOutput, "adaptive_avg_pool2d")
    KernelFixture.expectClose(avg.gradInput, PoolingReference.adaptiveAvgGradInput, "adaptive_avg_pool2d grad")
    let max = runAdaptive(s, max: true, x, dy)
    KernelFixture.expectClose(max.output, PoolingReference.adaptiveMaxOutput, "adaptive_max_pool2d")
    KernelFixture.expectClose(max.gradInput, PoolingReference.adaptiveMaxGradInput, "adaptive_max_pool2d grad")
  }
}

// Generated by Reference/pool_batchnorm_reference.py (PyTorch 2.15.0); do not edit by hand.
enum PoolingReference {
  static let maxPoolOutput: [Float] = [0.801961, 0.82310545, 1.058934, 0.801961, 0.96340001, 0.94030368, 0.77008659, 0.96340001, 0.94030368, 0.84565091, 1.0618514, 1.0481372, 0.84565091, 1.0618514, 1.0481372, 0.95129621, 0.92481101, 0.81096137, -0.27117527, 0.37050533, 0.87067366, 1.0777247, 1.0328805, 0.87067366, -0.051484346, 0.79905349, 0.93682009, 0.87891901, 0.82259482, 0.15211418, 0.71479541, 0.89726561, 1.0896482, 0.71479541, 0.39413378, -0.024663676, 0.80631626, 0.92092413, 0.90418667, 0.92443669, 1.0970954, 0.99128884, 0.92443669, 1.0970954, 0.99128884, 0.90462005, 0.90601194, 0.83791548, 0.90462005, 0.90601194, 0.9511615, 1.0997421, 0.96651393, 0.9511615]
  static let maxPoolGradInput: [Float] = [0, 0, 0, 0.79107881, 0, 0.86009514, 1.5060639, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.4146097, 0.92108721, 0.43997931, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1.6441745, -1.6444901, -1.4937246, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.15149629, 0.099328935, 0, 0.38598666, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.75258166, 0, 1.0387573, 0, 1.4721043, 0.85853332, 0.61192429, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.14244083, 0, -0.272746, -0.71321023, 0, -0.96053952, -0.96398842, 0, -0.87264794, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.64737791, -0.29697433, 0, -0.60609812, 0.58898115, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.7783531, 0, 0.8553223, 0.94257981, 0.97675735, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.42967385, -0.18564373, -0.86012203, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1.4940366, 0, -1.2236129, -0.83497292, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.1435547, 0.40255013, 0.78292406, 0, 0, 0, 0]
  static let avgPoolOutput: [Float] = [0.1910665, 0.24792276, 0.17180747, 0.028710119, 0.074459739, 0.016641855, 0.21761024, 0.22295199, 0.037640266, -0.056448646, 0.10463461, 0.26910773, 0.0060462025, 0.051057823, 0.045558773, 0.054008707, 0.17091006, 0.30037284, -0.21040969, -0.2265362, -0.11119986, -0.02573853, -0.058934469, -0.013244854, -0.20168, -0.19517991, 0.030827668, 0.0071955323, -0.14423388, -0.2975094, -0.0050456887, -0.065628737, -0.049298838, -0.10147016, -0.21534902, -0.28706512, 0.21661133, 0.2009618, 0.041887768, 0.026370525, 0.039153144, 0.0085461903, 0.17296666, 0.15614407, -0.092851788, 0.04585772, 0.18089835, 0.30757391, 0.0050749416, 0.072822995, 0.055034414, 0.13891424, 0.25477427, 0.25966504]
  static let avgPoolGradInput: [Float] = [0.064380616, 0.15227826, 0.087897643, 0.18346377, 0.095566124, 0.095566124, 0.16734044, 0.36238137, 0.19504094, 0.38051063, 0.18546969, 0.18546969, 0.10295983, 0.21010312, 0.10714329, 0.19704685, 0.089903563, 0.089903563, 0.14902757, 0.25137061, 0.10234302, 0.15122961, 0.048886586, 0.048886586, 0.046067744, 0.041267477, -0.0048002657, -0.045817241, -0.041016977, -0.041016977, -0.063394271, -0.15015328, -0.086759008, -0.19854692, -0.11178792, -0.11178792, -0.18268606, -0.36540717, -0.18272112, -0.34869051, -0.1659694, -0.1659694, -0.11929178, -0.21525389, -0.095962115, -0.15014359, -0.054181479, -0.054181479, -0.1361247, -0.22105026, -0.084925562, -0.096219644, -0.011294074, -0.011294074, -0.016832922, -0.0057963729, 0.011036549, 0.053923953, 0.042887405, 0.042887405, 0.083620183, 0.19903767, 0.11541748, 0.23359896, 0.11818148, 0.11818148, 0.17901278, 0.36242184, 0.18340907, 0.34697622, 0.16356714, 0.16356714, 0.095392592, 0.16338417, 0.067991585, 0.11337724, 0.045385662, 0.045385662, 0.11121935, 0.14890581, 0.037686475, 0.0038265511, -0.03385992, -0.03385992, 0.015826758, -0.014478352, -0.03030511, -0.10955069, -0.079245582, -0.079245582, -0.10672662, -0.21383643, -0.10710982, -0.2040707, -0.09696088, -0.09696088, -0.19518931, -0.37423003, -0.1790407, -0.3089987, -0.12995803, -0.12995803, -0.088462695, -0.16039357, -0.071930878, -0.10492802, -0.032997146, -0.032997146, -0.067344233, -0.07383275, -0.0064885244, 0.046998009, 0.053486533, 0.053486533, 0.021118464, 0.086560816, 0.065442353, 0.15192604, 0.08648368, 0.08648368, 0.095035814, 0.1997669, 0.10473109, 0.21325968, 0.10852859, 0.10852859, 0.18309551, 0.33009788, 0.14700237, 0.2487006, 0.10169824, 0.10169824, 0.088059701, 0.13033098, 0.042271275, 0.035440926, -0.0068303491, -0.0068303491, 0.047741536, 0.027114458, -0.020627085, -0.1161962, -0.095569119, -0.095569119, -0.040318165, -0.10321653, -0.06289836, -0.15163714, -0.088738769, -0.088738769, -0.1143182, -0.23325607, -0.11893788, -0.21171266, -0.092774771, -0.092774771, -0.16600406, -0.30196106, -0.135957, -0.21832824, -0.082371235, -0.082371235, -0.051685866, -0.068704978, -0.017019115, -0.0066155791, 0.010403536, 0.010403536, -0.0069580749, 0.063014373, 0.069972448, 0.19703408, 0.12706164, 0.12706164, 0.044727791, 0.13171935, 0.086991563, 0.20364965, 0.11665809, 0.11665809]
  static let maxPoolCeilOutput: [Float] = [0.42927217, 0.82310545, 1.058934, 1.058934, 0.94030368, 0.86463106, 0.77008659, 0.96340001, 0.94030368, 0.86463106, 0.61590606, 0.11126858, 0.5894894, 1.0618514, 1.0618514, 0.77195299, 0.86984336, 0.81096137, 0.95129621, 0.95129621, 0.86984336, 0.81096137, 0.18703069, 0.37050533, 0.87067366, 1.0777247, 1.0328805, 0.4012478, 0.82259482, 0.79905349, 0.93682009, 0.91256577, 0.82259482, 0.59232682, 0.36211705, 0.60453171, 1.0896482, 1.0896482, 0.71479541, 0.14599094, 0.57343036, 0.92092413, 0.92092413, 0.89123625, 0.57343036, 0.11891115, 0.61889613, 0.92443669, 1.0970954, 0.99128884, 0.39139757, 0.0055635371, 0.80884081, 0.90462005, 0.90601194, 0.83791548, 0.082499325, 0.35130346, 0.9511615, 1.0997421, 0.96651393, 0.6675877, 0.16052432, 0.51037967, 0.88893086, 0.92233866, 0.92233866, 0.52307296, 0.10783552, 0.66019225, 1.0974824, 1.0974824]
  static let maxPoolCeilGradInput: [Float] = [0, 0, 0, 0.79107881, 0, 1.7867336, 0, 0.57942551, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.4146097, -0.043202393, 0.59513682, 0.23858368, 0, -0.7808311, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1.0060912, 0, -1.073626, 0, -1.3512924, 0, -0.15149629, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.7913389, 0, 1.1629622, 1.2445199, 0, 0.61192429, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.40847096, 0, 0.14244083, -0.272746, -0.71321023, 0, -0.96053952, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.87264794, -0.79616427, -0.64737791, 0, -1.2609627, 0.19006617, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.58898115, 0.7783531, 0, 1.7979021, 0, 0.97675735, 0, 0.79253733, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.42433661, 0, -0.56608522, 0, -0.41820741, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1.0288638, 0, -1.0704409, -0.83497292, -0.4651728, -0.15317205, 0, 0.093631826, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.40255013, 0, 0.78292406, 1.0499228, 0, 1.0449163, 0.83639723, 0, 0.61136216, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.41739699, 0, 0.13114338, -0.30582535, -0.73674262, -0.95388681, 0, -0.9455654, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.8717714, 0, -0.80978882, 0, -0.9122349, 0, 0.22150628, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.59383619, 0, 0.76523328, 0, 1.8158288, 0]
  static let avgPoolCeilOutput: [Float] = [0.26053384, 0.21251953, 0.055559903, -0.11512783, 0.10056597, 0.23222777, 0.26898685, 0.1710768, -0.8214187, -0.97158909, -0.51931894, 0.11126858, 0.24459726, 0.14994621, -0.063967913, -0.19132078, 0.17191303, 0.27636349, 0.20639646, 0.079536319, -0.92931521, -0.84396833, -0.07662499, 0.37050533, 0.21351539, 0.043198913, -0.15626284, -0.23217481, 0.24025425, 0.2639586, 0.11985953, -0.0010927916, -0.9920181, -0.4618369, 0.24120684, 0.60453171, 0.14301656, -0.073417574, -0.21131298, -0.26608735, 0.27963051, 0.19688524, 0.037862495, -0.097494155, -0.80916333, -0.050216813, 0.48715591, 0.92443669, 0.030424327, -0.15736631, -0.25203496, -0.27168855, 0.25700209, 0.11582427, -0.053365946, -0.20388708, -0.40801388, 0.23288894, 0.7943784, 1.0997421, -0.08047466, -0.21251436, -0.27238503, -0.21208271, 0.18878341, 0.035773948, -0.15919642, -0.26727355, -0.038208023, 0.50537443, 1.0369551, 0.9403258]
  static let avgPoolCeilGradInput: [Float] = [0.14485638, 0.14485638, 0.1977697, 0.1977697, 0.21502379, 0.21502379, 0.46331921, 0.14485638, 0.14485638, 0.1977697, 0.1977697, 0.21502379, 0.21502379, 0.46331921, 0.2410724, 0.2410724, 0.20228302, 0.20228302, 0.10365243, 0.10365243, -0.021601196, 0.2410724, 0.2410724, 0.20228302, 0.20228302, 0.10365243, 0.10365243, -0.021601196, -0.18457639, -0.18457639, -0.28527421, -0.28527421, -0.39041555, -0.39041555, -1.0060912, -0.26840651, -0.26840651, -0.21591476, -0.21591476, -0.12190833, -0.12190833, -0.075748146, -0.26840651, -0.26840651, -0.21591476, -0.21591476, -0.12190833, -0.12190833, -0.075748146, 0.024832234, 0.024832234, 0.096496664, 0.096496664, 0.18814541, 0.18814541, 0.51937866, 0.024832234, 0.024832234, 0.096496664, 0.096496664, 0.18814541, 0.18814541, 0.51937866, 0.53181666, 0.53181666, 0.42926666, 0.42926666, 0.30596215, 0.30596215, 0.40847096, 0.035610206, 0.035610206, -0.068186499, -0.068186499, -0.17830256, -0.17830256, -0.48026976, 0.035610206, 0.035610206, -0.068186499, -0.068186499, -0.17830256, -0.17830256, -0.48026976, -0.24099711, -0.24099711, -0.21816199, -0.21816199, -0.19904107, -0.19904107, -0.32368895, -0.24099711, -0.24099711, -0.21816199, -0.21816199, -0.19904107, -0.19904107, -0.32368895, -0.14848717, -0.14848717, 0.095033087, 0.095033087, 0.29449058, 0.29449058, 0.7783531, 0.21383058, 0.21383058, 0.23564495, 0.23564495, 0.24418934, 0.24418934, 0.39626867, 0.21383058, 0.21383058, 0.23564495, 0.23564495, 0.24418934, 0.24418934, 0.39626867, 0.095110372, 0.095110372, -0.015368286, -0.015368286, -0.09071587, -0.09071587, -0.28304261, 0.095110372, 0.095110372, -0.015368286, -0.015368286, -0.09071587, -0.09071587, -0.28304261, -0.39932445, -0.39932445, -0.51443189, -0.51443189, -0.53522044, -0.53522044, -0.83497292, -0.1162932, -0.1162932, -0.038293011, -0.038293011, 0.023407957, 0.023407957, 0.20127507, -0.1162932, -0.1162932, -0.038293011, -0.038293011, 0.023407957, 0.023407957, 0.20127507, 0.19573101, 0.19573101, 0.26248071, 0.26248071, 0.26122907, 0.26122907, 0.41819862, 0.19573101, 0.19573101, 0.26248071, 0.26248071, 0.26122907, 0.26122907, 0.41819862, 0.30568108, 0.30568108, 0.2086985, 0.2086985, 0.065571688, 0.065571688, -0.30582535, -0.18418565, -0.18418565, -0.2384717, -0.2384717, -0.23639135, -0.23639135, -0.4358857, -0.18418565, -0.18418565, -0.2384717, -0.2384717, -0.23639135, -0.23639135, -0.4358857, -0.20244721, -0.20244721, -0.16128588, -0.16128588, -0.066772856, -0.066772856, 0.11075314, -0.20244721, -0.20244721, -0.16128588, -0.16128588, -0.066772856, -0.066772856, 0.11075314, 0.29691809, 0.29691809, 0.38261664, 0.38261664, 0.42742416, 0.42742416, 0.96098047]
  static let adaptiveAvgOutput: [Float] = [0.23652667, 0.046999738, 0.11027654, -0.11744344, -0.045907922, -0.24424696, 0.19727169, -0.052820109, 0.041224401, -0.17996685, -0.13402596, -0.24799553, 0.12835716, -0.14016411, -0.044358175, -0.20624864, -0.20702264, -0.21537754, 0.034799501, -0.20324543, -0.12757875, -0.20668852, -0.24601264, -0.15743552, -0.063470989, -0.24116459, -0.18214881, -0.18759944, -0.24446069, -0.077555805, -0.14649451, -0.248376, -0.20507997, -0.13821283, -0.21077377, 0.019484453]
  static let adaptiveAvgGradInput: [Float] = [0.072428189, 0.072428189, 0.072428189, 0.17131305, 0.098884851, 0.098884851, 0.098884851, 0.14410278, 0.14410278, 0.14410278, 0.32020751, 0.17610472, 0.17610472, 0.17610472, 0.071674593, 0.071674593, 0.071674593, 0.14889446, 0.077219866, 0.077219866, 0.077219866, 0.19221079, 0.19221079, 0.19221079, 0.37057218, 0.17836139, 0.17836139, 0.17836139, 0.1205362, 0.1205362, 0.1205362, 0.22167772, 0.10114151, 0.10114151, 0.10114151, 0.051826213, 0.051826213, 0.051826213, 0.046425913, -0.0054002991, -0.0054002991, -0.0054002991, 0.021063481, 0.021063481, 0.021063481, -0.031882521, -0.052946001, -0.052946001, -0.052946001, -0.030762732, -0.030762732, -0.030762732, -0.078308433, -0.047545701, -0.047545701, -0.047545701, -0.12836662, -0.12836662, -0.12836662, -0.30167371, -0.17330711, -0.17330711, -0.17330711, -0.097603887, -0.097603887, -0.097603887, -0.22336529, -0.1257614, -0.1257614, -0.1257614, -0.13420326, -0.13420326, -0.13420326, -0.24216063, -0.10795738, -0.10795738, -0.10795738, -0.17483936, -0.17483936, -0.17483936, -0.29542142, -0.12058207, -0.12058207, -0.12058207, -0.040636111, -0.040636111, -0.040636111, -0.053260803, -0.012624691, -0.012624691, -0.012624691, -0.028219994, -0.028219994, -0.028219994, 0.0074036457, 0.03562364, 0.03562364, 0.03562364, 0.012416117, 0.012416117, 0.012416117, 0.060664449, 0.048248332, 0.048248332, 0.048248332, 0.094072707, 0.094072707, 0.094072707, 0.22391737, 0.12984467, 0.12984467, 0.12984467, 0.18270881, 0.18270881, 0.18270881, 0.3840979, 0.2013891, 0.2013891, 0.2013891, 0.088636108, 0.088636108, 0.088636108, 0.16018055, 0.071544446, 0.071544446, 0.071544446, 0.16512665, 0.16512665, 0.16512665, 0.28772995, 0.12260331, 0.12260331, 0.12260331, 0.076490536, 0.076490536, 0.076490536, 0.12754941, 0.05105887, 0.05105887, 0.05105887, 0.017805103, 0.017805103, 0.017805103, -0.016288146, -0.03409325, -0.03409325, -0.03409325, -0.041629083, -0.041629083, -0.041629083, -0.15576729, -0.11413822, -0.11413822, -0.11413822, -0.059434187, -0.059434187, -0.059434187, -0.13947915, -0.080044962, -0.080044962, -0.080044962, -0.17993274, -0.17993274, -0.17993274, -0.3690587, -0.18912596, -0.18912596, -0.18912596, -0.12049855, -0.12049855, -0.12049855, -0.22957954, -0.10908099, -0.10908099, -0.10908099, -0.099520534, -0.099520534, -0.099520534, -0.18044278, -0.080922239, -0.080922239, -0.080922239, -0.1242684, -0.1242684, -0.1242684, -0.1893518, -0.065083392, -0.065083392, -0.065083392, -0.024747862, -0.024747862, -0.024747862, -0.0089090131, 0.015838848, 0.015838848, 0.015838848, 0.048874781, 0.048874781, 0.048874781, 0.16200776, 0.11313298, 0.11313298, 0.11313298, 0.073622644, 0.073622644, 0.073622644, 0.17091678, 0.097294137, 0.097294137, 0.097294137]
  static let adaptiveMaxOutput: [Float] = [0.82310545, 1.058934, 0.94030368, 0.96340001, 0.94030368, 0.61590606, 1.0618514, 1.0618514, 0.86984336, 0.95129621, 0.86984336, 0.37050533, 1.0777247, 1.0328805, 0.82259482, 0.93682009, 0.82259482, 0.60453171, 1.0896482, 0.71479541, 0.92092413, 0.92092413, 0.57343036, 0.92443669, 1.0970954, 0.39139757, 0.90462005, 0.90601194, 0.35130346, 1.0997421, 0.96651393, 0.51037967, 0.92233866, 0.92233866, 0.66019225, 1.0974824]
  static let adaptiveMaxGradInput: [Float] = [0, 0, 0, 0.57942551, 0, 0.79107881, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.92663842, 1.8243847, 0, 0, 0.8091321, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.3714073, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.57054842, 0, -1.1499839, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1.0060912, 0, 0, -1.073626, -0.86365902, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.15149629, 0, 0, -0.38830438, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.38598666, 0, 0.75258166, 0, 1.0387573, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.9221666, 0, 0, 0, 0.61192429, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.40847096, 0.14244083, 0, 0, -0.272746, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.71321023, 0, -0.96053952, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.96398842, 0, 0, -0.87264794, -0.79616427, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.64737791, 0, 0, 0, -0.10690816, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.58898115, 0, 0.7783531, 0]
}
