import DescentNN
import DescentOptim
import DescentTensor
import Foundation
import Testing
@testable import DescentLearn

/// The LR finder against fastai's own `lr_find` on scripted loss curves (the loss function
/// ignores the model and returns the script's value for each training batch); the scripts
/// are those of Reference/lr_find_reference.py, which produced LRFinderReferenceValues.swift.
@Suite struct LRFinderTests {
  static func bowl(_ i: Int) -> Double {
    let x = Double(i) / 100
    return 2.0 * exp(-6 * x) + 0.3 + 400 * pow(max(0.0, x - 0.6), 2) + 0.05 * sin(1.7 * Double(i))
  }

  static func withNaN(_ i: Int) -> Double { i >= 70 ? .nan : 1.5 - 0.01 * Double(i) + 0.03 * cos(0.9 * Double(i)) }

  static func noisy(_ i: Int) -> Double {
    let x = Double(i) / 150
    return 1.0 + 0.2 * sin(3.1 * Double(i)) * exp(-3 * x) - 0.7 / (1 + exp(-(x - 0.4) * 25)) + 30 * pow(max(0.0, x - 0.8), 3)
  }

  static func falling(_ i: Int) -> Double { 3.0 / (1 + 0.05 * Double(i)) + 0.01 * sin(2.3 * Double(i)) }

  /// 16 training batches of 2 items, a Linear(1, 2) model, SGD: as in the Python script.
  static func run(_ script: @escaping (Int) -> Double, startLR: Double, endLR: Double, numIt: Int, stopDiv: Bool)
    throws -> (LRFindResult, before: [[Float]], after: [[Float]])
  {
    let x = Tensor((0..<32).map { Float($0) / 10 }, shape: [32, 1])
    let data = InMemoryBatches(x: x, y: [Int](repeating: 0, count: 32), batchSize: 2)
    var g = RandomGenerator(seed: 4)
    var i = 0
    let learn = Learner(data: (data, data), model: Linear(1, 2, using: &g), lossFunc: { pred, _ in
      let v = Float(script(i))
      i += 1
      return pred.sum() * 0 + v
    }, optimizerFactory: { SGD($0, lr: 1e-3) }, modelDirectory: Toy.temporaryDirectory(), progress: false)
    let before = Toy.weights(learn.model)
    let result = try learn.lrFind(startLR: startLR, endLR: endLR, numIt: numIt, stopDiv: stopDiv,
                                  methods: [.valley, .slide, .minimum, .steep])
    return (result, before, Toy.weights(learn.model))
  }

  static func check(_ r: LRFindResult, count: Int, losses: [Double], suggestions: [String: Double]) {
    #expect(r.losses.count == count)
    for (a, b) in zip(r.losses, losses) {
      #expect(a.isNaN == b.isNaN && (a.isNaN || abs(a - b) <= 1e-6 * abs(b)), "smoothed loss \(a) vs fastai's \(b)")
    }
    for method in SuggestionMethod.allCases {
      let want = suggestions[method.rawValue]!
      let got = r[method]?.lr ?? .nan
      #expect(abs(got - want) <= 1e-6 * want, "\(method): \(got) vs fastai's \(want)")
    }
  }

  @Test func bowlStopsOnDivergence() throws {
    let (r, before, after) = try Self.run(Self.bowl, startLR: 1e-7, endLR: 10, numIt: 100, stopDiv: true)
    Self.check(r, count: LRFinderReference.bowlCount, losses: LRFinderReference.bowlLosses,
               suggestions: LRFinderReference.bowlSuggestions)
    #expect(after == before, "the model is restored")
    #expect(r.suggested == r[.valley]?.lr)
  }

  @Test func truncatesAtNaN() throws {
    let (r, _, _) = try Self.run(Self.withNaN, startLR: 1e-6, endLR: 1, numIt: 100, stopDiv: true)
    Self.check(r, count: LRFinderReference.withNaNCount, losses: LRFinderReference.withNaNLosses,
               suggestions: LRFinderReference.withNaNSuggestions)
  }

  @Test func noisyAndFalling() throws {
    let (n, _, _) = try Self.run(Self.noisy, startLR: 1e-5, endLR: 3, numIt: 150, stopDiv: true)
    Self.check(n, count: LRFinderReference.noisyCount, losses: LRFinderReference.noisyLosses,
               suggestions: LRFinderReference.noisySuggestions)
    let (f, _, _) = try Self.run(Self.falling, startLR: 1e-7, endLR: 10, numIt: 60, stopDiv: false)
    Self.check(f, count: LRFinderReference.fallingCount, losses: LRFinderReference.fallingLosses,
               suggestions: LRFinderReference.fallingSuggestions)
  }

  @Test func valleyOnTwoFallingPoints() throws {
    // fastai's index is -1 here, which Python reads as the last point.
    let v = try #require(SuggestionMethod.valley.suggest(lrs: [1e-3, 1e-2], losses: [2, 1]))
    #expect(v.lr == Double(Float(1e-2)) && v.point.loss == 1)
    #expect(SuggestionMethod.valley.suggest(lrs: [1e-3, 1e-2, 1e-1], losses: [2, 1, 0.5])?.lr == Double(Float(1e-3)))
  }

  @Test func trimming() {
    let lrs = (0..<20).map { Double($0) }, losses = (0..<20).map { $0 == 12 ? Double.nan : Double($0) }
    let t = LRFinderCurve.trimmed(lrs: lrs, losses: losses, numIt: 20)
    #expect(t.lrs == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
  }
}
