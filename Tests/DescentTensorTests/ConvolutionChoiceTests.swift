import Foundation
import Testing

@testable import DescentTensor

/// What `.auto` and mixed precision choose, and that what they chose is what runs. Serialized:
/// each test's first passes are timed, and the suite's own tests need not share the cores then.
@Suite(.serialized) struct ConvolutionChoiceTests {
  /// The public entry points follow `ConvolutionKernels.algorithm`, and `.auto` remembers a
  /// choice per direction after the first call. The algorithm is forced for this test's task
  /// only: forced process-wide, it reached other suites' convolutions (AutogradTests saw an
  /// im2col gradient round differently from its `.auto` one).
  @Test func globalOverrideAndAutoChoice() {
    let g = Conv2dGeometry(
      batch: 2, inChannels: 5, outChannels: 7, height: 6, width: 6, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1)
    let x = pattern(g.inputCount, 0.37), w = pattern(g.weightCount, 0.23, scale: 0.5)
    let expected = NaiveConvolution.forward(g, input: x, weight: w, bias: nil)
    for algorithm in ConvolutionAlgorithm.allCases {
      ConvolutionKernels.$taskAlgorithm.withValue(algorithm) {
        #expect(ConvolutionKernels.algorithm == algorithm)
        var y = [Float](repeating: .nan, count: g.outputCount)
        ConvolutionKernels.forward(g, input: x, weight: w, bias: nil, output: &y)
        expectClose(y, expected, rtol: 1e-4, atol: 1e-5, "public forward with \(algorithm)")
      }
    }
    #expect(ConvolutionKernels.algorithm == .auto)
    #expect(ConvolutionKernels.chosenAlgorithm(g, .forward) != nil)
    #expect(ConvolutionKernels.chosenAlgorithm(g, .backwardData) == nil)
  }

  /// The timing race on a made-up clock (each candidate's run advances it by its cost, in
  /// nanoseconds; a run's first cost is its untimed one): the fastest best time wins, a clear
  /// loser leaves the race after the first two turns, close contenders race on to the turn
  /// limit, and a burst that slows the winner in the first turns does not decide.
  @Test func timingRaceKeepsCloseCallsGoing() {
    let costs: [String: [UInt64]] = [
      "slow": [9_000, 3_000, 3_000],
      "close": [2_000, 1_100, 1_100],
      "winner": [2_000, 1_500, 1_500, 1_000],  // a burst of load in its first two turns
    ]
    func race(maxRounds: Int) -> (choice: String, runs: [String: Int]) {
      var now: UInt64 = 0, runs: [String: Int] = [:]
      let choice = ConvolutionAlgorithmCache.fastest(among: ["slow", "close", "winner"], maxRounds: maxRounds, clock: { now }) { name in
        let cost = costs[name]!
        now += cost[Swift.min(runs[name, default: 0], cost.count - 1)]
        runs[name, default: 0] += 1
      }
      return (choice, runs)
    }
    let raced = race(maxRounds: 12)
    #expect(raced.choice == "winner")
    #expect(raced.runs == ["slow": 3, "close": 13, "winner": 13])
    // With two turns only, the burst decides.
    let early = race(maxRounds: 2)
    #expect(early.choice == "close")
    #expect(early.runs == ["slow": 3, "close": 3, "winner": 3])
  }

  /// One forward and backward of `x.conv2d(w)` under `precision`: the output, its format, the
  /// input and weight gradients, and the mixed-precision tally of the passes.
  static func convolve(
    _ g: Conv2dGeometry, _ precision: ComputePrecision
  ) throws -> (out: [Float], format: StorageFormat, gx: [Float], gw: [Float], bfloat16: Int, passes: Int) {
    // Values with more bits than bfloat16 keeps, so that the precision a pass took shows.
    let x = Tensor(pattern(g.inputCount, 0.37), shape: [g.batch, g.inChannels, g.height, g.width], requiresGrad: true)
    let w = Tensor(
      pattern(g.weightCount, 0.23, scale: 0.5), shape: [g.outChannels, g.inChannels, g.kernelHeight, g.kernelWidth],
      requiresGrad: true)
    let counted = try ConvolutionKernels.countingMixedPrecision {
      ComputePrecision.current = precision
      let y = x.conv2d(w, padding: Size2(g.padH, g.padW))
      ComputePrecision.current = .float32
      let format = y.format
      // d loss / d y is all ones: exact in bfloat16, so only the passes' own rounding differs.
      try y.sum().backward()
      return (y.scalars, format)
    }
    return (counted.result.0, counted.result.1, x.grad!.scalars, w.grad!.scalars, counted.bfloat16, counted.passes)
  }

  /// Under `.mixed` each pass computes in the precision its choice says and stores its output
  /// so. The choices are adopted here, as from a checkpoint, so the test does not hang on timing:
  /// the forward and the weight gradient in bfloat16, the input gradient in float32.
  @Test func mixedPrecisionRunsEachPassAsChosen() throws {
    let g = Conv2dGeometry(
      batch: 2, inChannels: 16, outChannels: 32, height: 6, width: 6, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1)
    let chosen: [(ConvolutionDirection, ConvolutionAlgorithm)] = [(.forward, .bf16), (.backwardData, .dnnl), (.backwardWeights, .bf16)]
    // For either layout: which operands are blocked here is the layout code's business.
    let entries = chosen.flatMap { direction, algorithm in
      [false, true].map { blocked in
        ConvolutionChoiceFile.Entry(
          machine: "any", key: .init(geometry: g, direction: direction, blocked: blocked, mixed: true), algorithm: algorithm)
      }
    }
    try ConvolutionKernels.adoptChoices(ConvolutionChoiceFile.format(entries), source: "test")
    let mixed = try Self.convolve(g, .mixed), float32 = try Self.convolve(g, .float32), bfloat16 = try Self.convolve(g, .bfloat16)
    #expect((mixed.bfloat16, mixed.passes) == (2, 3))
    #expect((bfloat16.bfloat16, bfloat16.passes) == (0, 0))  // only `.mixed` passes are counted
    #expect(mixed.format.isBlocked && mixed.format.element == .bfloat16)
    #expect(float32.format.element == .float32)
    /// Whether `a` is `b`'s result and not `other`'s: within float32 rounding of `b`, and
    /// further than that from `other`.
    func matches(_ a: [Float], _ b: [Float], not other: [Float]) -> Bool {
      let distance = { (u: [Float], v: [Float]) in zip(u, v).map { abs($0 - $1) / (abs($1) + 1e-3) }.max()! }
      return distance(a, b) < 1e-5 && distance(a, other) > 1e-4
    }
    let (forward, backwardData, backwardWeights) = (
      matches(mixed.out, bfloat16.out, not: float32.out), matches(mixed.gx, float32.gx, not: bfloat16.gx),
      matches(mixed.gw, bfloat16.gw, not: float32.gw)
    )
    #expect(forward, "forward in bfloat16")
    #expect(backwardData, "backward data in float32")
    #expect(backwardWeights, "backward weights in bfloat16")
  }

  /// A pass `.mixed` meets first is timed in both precisions; the choice is kept (in
  /// `choicesText`, which checkpoints and the choice file hold) and its output stored in it.
  @Test func mixedPrecisionTimesAPassItMeetsFirst() throws {
    let g = Conv2dGeometry(
      batch: 2, inChannels: 16, outChannels: 16, height: 5, width: 7, kernelHeight: 3, kernelWidth: 3, padH: 1, padW: 1)
    let run = try Self.convolve(g, .mixed)
    #expect(run.passes == 3)
    let geometry = g.fields.map(String.init).joined(separator: ",")
    let lines = ConvolutionKernels.choicesText.split(separator: "\n").filter { $0.contains("\t\(geometry)\t") && $0.contains("@mixed") }
    #expect(lines.count == 3, "\(lines)")
    let forward = lines.first { $0.contains("\tforward@") }
    #expect(forward != nil)
    #expect((forward?.hasSuffix("\tbf16") == true) == (run.format.element == .bfloat16))
    #expect(lines.filter { $0.hasSuffix("\tbf16") }.count == run.bfloat16)
  }
}

private func pattern(_ count: Int, _ step: Double, scale: Double = 1) -> [Float] {
  (0..<count).map { Float(scale * sin(step * Double($0) + 0.5)) }
}
