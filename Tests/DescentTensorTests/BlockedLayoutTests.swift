import Foundation
import Testing
@testable import DescentTensor

/// The blocked activation layout (nChw16c, see StorageFormat): conversions place every value
/// where oneDNN's layout puts it, users read the same row-major values, and a ResNet block
/// computes the same forward values and gradients blocked as plain — while staying blocked
/// from the convolution to the next one.
@Suite struct BlockedLayoutTests {
  @Test func conversionPlacesValuesAsNChw16cAndBack() {
    let (n, c, h, w) = (2, 32, 3, 5)
    let t = Fixture.tensor([n, c, h, w])
    let plain = t.scalars
    let format = StorageFormat.blocked(t.shape)!
    t.converted(to: format)
    #expect(t.storage.format == format)
    let blocked = t.storage.bytes.assumingMemoryBound(to: Float.self)
    for b in 0..<n {
      for ch in 0..<c {
        for y in 0..<h {
          for x in 0..<w {
            let at = (((b * (c / 16) + ch / 16) * h + y) * w + x) * 16 + ch % 16
            #expect(blocked[at] == plain[((b * c + ch) * h + y) * w + x])
          }
        }
      }
    }
    // Reading the values converts back, exactly.
    #expect(t.scalars == plain)
    #expect(t.storage.format == .plain)
  }

  /// Threads that read a blocked tensor at once convert it once and all read the same values
  /// (run under ThreadSanitizer by the README's test command).
  @Test func concurrentReadersConvertOnce() {
    let t = Fixture.tensor([4, 32, 8, 8])
    let expected = t.scalars
    t.converted(to: StorageFormat.blocked(t.shape)!)
    let storage = t.storage, count = t.count
    let pointers = Locked<Set<UnsafeMutablePointer<Float>>>([])
    let mismatches = Locked(0)
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      let p = storage.pointer
      pointers.withLock { _ = $0.insert(p) }
      let wrong = (0..<count).reduce(0) { $0 + (p[$1] == expected[$1] ? 0 : 1) }
      mismatches.withLock { $0 += wrong }
    }
    #expect(pointers.withLock { $0.count } == 1)
    #expect(mismatches.withLock { $0 } == 0)
  }

  @Test func bfloat16StorageRoundsToNearestEven() {
    let values: [Float] = [1, 1.00390625, 1.01171875, -3.1415927, 65504, 1e-30, .infinity, 0]
    let t = Tensor(values, shape: [values.count])
    t.converted(to: StorageFormat(order: .rowMajor, element: .bfloat16))
    // 1 + 2⁻⁸ is a tie between 1 and 1 + 2⁻⁷: to even (1); 1 + 3·2⁻⁸ ties to 1 + 2⁻⁶.
    #expect(t.scalars == [1, 1, 1.015625, -3.140625, 65536, BFloat16.rounded(1e-30), .infinity, 0])
    #expect(BFloat16.bits(.nan) == 0x7FC0)
  }

  /// The vector bfloat16 load and store (pairs of values per 32-bit word, lanes reordered)
  /// give the scalar conversion's bits in memory order, NaN and ties included.
  @Test func bfloat16VectorStoresRoundAsTheScalarConversion() {
    let values: [Float] = [
      1, 1.00390625, 1.01171875, -3.1415927, .nan, -.nan, .infinity, -0.0, 65504, 1e-30, 3.4e38,
      Float(bitPattern: 0x8000_45B1),  // -2.5e-41, a subnormal (as a literal it warns)
      0.1, 0.2, 0.3, Float(bitPattern: 0x7FFF_FFFF),
    ]
    let expected = values.map(BFloat16.bits)
    var memory = [UInt16](repeating: 0, count: 16)
    let v = values.withUnsafeBytes { $0.loadUnaligned(as: SIMD16<Float>.self) }
    memory.withUnsafeMutableBytes { BFloat16Element.store16(BFloat16Element.laneOrder(v), $0.baseAddress!, 0) }
    #expect(memory == expected)
    var again = [UInt16](repeating: 0, count: 16)
    memory.withUnsafeBytes { source in
      again.withUnsafeMutableBytes { BFloat16Element.store16(BFloat16Element.load16(source.baseAddress!, 0), $0.baseAddress!, 0) }
    }
    #expect(again == expected)
    let loaded = memory.withUnsafeBytes { BFloat16Element.channelOrder(BFloat16Element.load16($0.baseAddress!, 0)) }
    #expect((0..<16).allSatisfy { loaded[$0].bitPattern == BFloat16.float(expected[$0]).bitPattern })
  }

  @Test func aViewUnderAnotherShapeReadsRowMajor() {
    let t = Fixture.tensor([2, 16, 2, 2])
    let plain = t.scalars
    t.converted(to: StorageFormat.blocked(t.shape)!)
    let flat = t.reshape([2, 64])
    #expect(flat.format == .plain)
    #expect(flat.scalars == plain)
  }

  @Test func elementwiseOpsKeepTheBlockedLayout() {
    let a = Fixture.tensor([1, 16, 3, 3]), b = Fixture.tensor([1, 16, 3, 3], phase: 1)
    let expected = a.addReLU(b).scalars
    let format = StorageFormat.blocked(a.shape)!
    a.converted(to: format)
    let sum = a.addReLU(b)  // b joins a's layout
    #expect(sum.format == format)
    #expect(b.format == format)
    #expect(sum.scalars == expected)
    let copied = a.copy()
    #expect(copied.format == format && copied.scalars == a.scalars)
  }

  /// A ResNet basic block with a max-pooled stem, blocked and plain: the same values and
  /// gradients (within the rounding of a different summation order), and every activation
  /// between the convolutions blocked.
  @Test func aResNetBlockComputesTheSameBlockedAsPlain() throws {
    let plain = try BlockedActivations.$enabled.withValue(false) { try resNetBlock() }
    let blocked = try resNetBlock()
    #expect(plain.formats == Array(repeating: .plain, count: 5))
    #expect(blocked.formats.allSatisfy { $0.isBlocked && $0.element == .float32 })
    expectClose(blocked.out, plain.out, rtol: 1e-4, atol: 1e-5, "output")
    for (i, (b, p)) in zip(blocked.grads, plain.grads).enumerated() {
      expectClose(b, p, rtol: 1e-3, atol: 1e-4, "gradient \(i)")
    }
  }

  /// In mixed precision the activations between convolutions are blocked bfloat16. Against the
  /// exact (float32) block, storing them in bfloat16 at most doubles the error that bfloat16
  /// convolutions on float32 activations make by themselves: the stored values are rounded once
  /// more (2⁻⁹ relative), and where that makes two values of a max-pool window tie or a value
  /// cross zero before a ReLU, single gradient elements go another way, as under PyTorch's
  /// autocast. (On this tiny block the stem's gradient is a cancelling sum: bfloat16
  /// convolutions alone put it 15% off.)
  @Test func inMixedPrecisionActivationsAreStoredInBFloat16() throws {
    let exact = try BlockedActivations.$enabled.withValue(false) { try resNetBlock(.float32) }
    let float32 = try BlockedActivations.$enabled.withValue(false) { try resNetBlock(.bfloat16) }
    let bfloat16 = try resNetBlock(.bfloat16)
    #expect(float32.formats.allSatisfy { $0 == .plain })
    #expect(bfloat16.formats.allSatisfy { $0.isBlocked && $0.element == .bfloat16 })
    /// ‖a − b‖ / ‖b‖
    func relativeError(_ a: [Float], _ b: [Float]) -> Double {
      let d = zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
      return (d / b.reduce(0.0) { $0 + Double($1) * Double($1) }).squareRoot()
    }
    for (i, (stored, computed, exact)) in zip(
      [bfloat16.out] + bfloat16.grads, zip([float32.out] + float32.grads, [exact.out] + exact.grads)
    ).map({ ($0, $1.0, $1.1) }).enumerated() {
      let (error, bound) = (relativeError(stored, exact), 2 * relativeError(computed, exact) + 1e-3)
      #expect(error <= bound, "\(i == 0 ? "output" : "gradient \(i - 1)"): \(error) against \(bound)")
    }
  }

  /// The block's forward in `precision` (as the MixedPrecision callback sets it), backward after.
  private func resNetBlock(
    _ precision: ComputePrecision = .float32
  ) throws -> (out: [Float], grads: [[Float]], formats: [StorageFormat]) {
    ComputePrecision.current = precision
    defer { ComputePrecision.current = .float32 }
    let x = Fixture.tensor([2, 3, 12, 12])
    let stem = Fixture.tensor([16, 3, 3, 3], phase: 0.3, scale: 0.3, requiresGrad: true)
    let w1 = Fixture.tensor([16, 16, 3, 3], phase: 0.7, scale: 0.1, requiresGrad: true)
    let w2 = Fixture.tensor([16, 16, 3, 3], phase: 1.1, scale: 0.1, requiresGrad: true)
    let gamma = Tensor((0..<16).map { 1 + 0.05 * Float($0) }, requiresGrad: true)
    let beta = Tensor((0..<16).map { 0.1 - 0.01 * Float($0) }, requiresGrad: true)
    let s = x.conv2d(stem, padding: 1).batchNorm(weight: gamma, bias: beta, runningMean: nil, runningVar: nil, training: true, relu: true)
    let pooled = s.maxPool2d(kernel: 3, stride: 2, padding: 1)
    let h = pooled.conv2d(w1, padding: 1).batchNorm(weight: gamma, bias: beta, runningMean: nil, runningVar: nil, training: true, relu: true)
    let y = h.conv2d(w2, padding: 1).batchNorm(weight: gamma, bias: beta, runningMean: nil, runningVar: nil, training: true)
    let out = y.addReLU(pooled)
    let formats = [s, pooled, h, y, out].map { $0.storage.format }
    let weights = Tensor(Fixture.values(out.count, phase: 0.5, scale: 1), shape: out.shape)
    let loss = (out * weights).sum()
    ComputePrecision.current = .float32
    try loss.backward()
    return (out.scalars, [stem, w1, w2, gamma, beta].map { $0.grad!.scalars }, formats)
  }

  @Test(arguments: [false, true])
  func blockedBatchNormKernelMatchesPlanar(relu: Bool) {
    let (n, c, h, w) = (3, 32, 2, 3)
    let shape = [n, c, h, w], spatial = h * w
    let x = Fixture.tensor(shape, scale: 3), dy = Fixture.tensor(shape, phase: 2)
    let weight = Tensor((0..<c).map { 0.5 + 0.03 * Float($0) }), bias = Tensor((0..<c).map { 0.2 - 0.02 * Float($0) })
    func run(_ layout: BatchNormKernels.BatchNormLayout) -> [[Float]] {
      let format = layout == .planar ? StorageFormat.plain : StorageFormat.blocked(shape)!
      let (xs, dys) = (x.copy().converted(to: format), dy.copy().converted(to: format))
      let (y, dx) = (Tensor(uninitializedShape: shape, format: format), Tensor(uninitializedShape: shape, format: format))
      let (mean, invStd, dw, db) = (Tensor.zeros([c]), Tensor.zeros([c]), Tensor.zeros([c]), Tensor.zeros([c]))
      BatchNormKernels.forwardTraining(
        input: xs.floats, n: n, c: c, spatial: spatial, weight: weight.pointer, bias: bias.pointer, eps: 1e-5,
        output: y.floats, saveMean: mean.pointer, saveInvStd: invStd.pointer, relu: relu, layout: layout)
      BatchNormKernels.backward(
        input: xs.floats, gradOutput: dys.floats, n: n, c: c, spatial: spatial, weight: weight.pointer,
        saveMean: mean.pointer, saveInvStd: invStd.pointer, gradInput: dx.floats, gradWeight: dw.pointer,
        gradBias: db.pointer, reluOutput: relu ? UnsafePointer(y.floats) : nil, layout: layout)
      return [y.scalars, dx.scalars, mean.scalars, invStd.scalars, dw.scalars, db.scalars]
    }
    let planar = run(.planar), blocked = run(.blocked16)
    for (i, (b, p)) in zip(blocked, planar).enumerated() { expectClose(b, p, rtol: 1e-5, atol: 1e-6, "output \(i)") }
  }

  /// The bfloat16 batch norm reads and writes bfloat16 and computes in float32: its results
  /// are the float32 kernel's on the same (bfloat16) values, each output rounded once.
  @Test(arguments: [false, true])
  func bfloat16BatchNormIsFloat32RoundedOnce(relu: Bool) {
    let (n, c, spatial) = (2, 16, 5)
    let shape = [n, c, 1, spatial]
    let x = Fixture.tensor(shape, scale: 3), dy = Fixture.tensor(shape, phase: 2)
    let weight = Tensor((0..<c).map { 0.5 + 0.03 * Float($0) }), bias = Tensor((0..<c).map { 0.2 - 0.02 * Float($0) })
    func run(_ element: StorageFormat.Element) -> [[Float]] {
      let format = StorageFormat.blocked(shape, element)!
      let (xs, dys) = (x.copy().converted(to: format), dy.copy().converted(to: format))
      let (y, dx) = (Tensor(uninitializedShape: shape, format: format), Tensor(uninitializedShape: shape, format: format))
      let (mean, invStd, dw, db) = (Tensor.zeros([c]), Tensor.zeros([c]), Tensor.zeros([c]), Tensor.zeros([c]))
      BatchNormKernels.forwardTraining(
        input: xs.storage.bytes, n: n, c: c, spatial: spatial, weight: weight.pointer, bias: bias.pointer, eps: 1e-5,
        output: y.storage.bytes, saveMean: mean.pointer, saveInvStd: invStd.pointer, relu: relu, layout: .blocked16,
        element: element)
      BatchNormKernels.backward(
        input: xs.storage.bytes, gradOutput: dys.storage.bytes, n: n, c: c, spatial: spatial, weight: weight.pointer,
        saveMean: mean.pointer, saveInvStd: invStd.pointer, gradInput: dx.storage.bytes, gradWeight: dw.pointer,
        gradBias: db.pointer, reluOutput: relu ? UnsafeRawPointer(y.storage.bytes) : nil, layout: .blocked16,
        element: element)
      return [y.scalars, dx.scalars, mean.scalars, invStd.scalars, dw.scalars, db.scalars]
    }
    // The float32 run on the bfloat16 values of x and dy.
    x.converted(to: StorageFormat(order: .rowMajor, element: .bfloat16))
    dy.converted(to: StorageFormat(order: .rowMajor, element: .bfloat16))
    let float32 = run(.float32), bfloat16 = run(.bfloat16)
    #expect(bfloat16[0] == float32[0].map(BFloat16.rounded), "output")
    #expect(bfloat16[1] == float32[1].map(BFloat16.rounded), "input gradient")
    #expect(Array(bfloat16[2...]) == Array(float32[2...]), "statistics and parameter gradients")
  }

  @Test func bfloat16ElementwiseOpsRoundOnce() {
    let shape = [1, 16, 2, 3]
    let format = StorageFormat.blocked(shape, .bfloat16)!
    let a = Fixture.tensor(shape).converted(to: format), b = Fixture.tensor(shape, phase: 1).converted(to: format)
    let (av, bv) = (a.copy().scalars, b.copy().scalars)
    let sum = a.addReLU(b)
    #expect(sum.format == format)
    #expect(sum.scalars == zip(av, bv).map { BFloat16.rounded(max(0, $0 + $1)) })
    let g = a.copy()
    g.add_(b)
    #expect(g.format == format)
    #expect(g.scalars == zip(av, bv).map { BFloat16.rounded($0 + $1) })
  }
}
