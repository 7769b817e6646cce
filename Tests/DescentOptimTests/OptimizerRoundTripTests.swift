import Foundation
import Testing
@testable import DescentOptim
import DescentTensor

/// Every optimizer's state survives a save and a load: stepping, saving, loading into a fresh
/// optimizer over fresh tensors with the same values, and stepping on ends bit for bit where the
/// uninterrupted run ends — Adafactor's factored averages (not shaped like their parameters) and
/// Prodigy's infinite default growth rate included.
@Suite struct OptimizerRoundTripTests {
  /// A vector, a matrix, a 3×3 conv kernel and a 1×1 one (Adafactor factors the last two
  /// dimensions; Muon takes the rank ≥ 2 ones), over two groups.
  static func params() -> [[Tensor]] {
    var j = 0
    return [[[37], [6, 5]], [[4, 3, 3, 3], [8, 4, 1, 1]]].map { group in
      group.map { shape in
        j += 1
        let n = Shape.count(shape)
        return Tensor((0..<n).map { i in Float(0.7 * sin(0.31 * Double(i) + Double(j))) }, shape: shape, requiresGrad: true)
      }
    }
  }

  static func step(_ opt: Optimizer, _ groups: [[Tensor]], _ t: Int) {
    for (j, p) in groups.joined().enumerated() {
      p.grad = Tensor((0..<p.count).map { i in Float(0.4 * cos(0.29 * Double(i) + Double(j) + 0.6 * Double(t))) }, shape: p.shape)
    }
    opt.step()
  }

  static let lrs: HyperSetting = .perGroup([1e-2, 3e-2])

  static var optimizers: [(String, ([[Tensor]]) -> Optimizer)] { [
    ("sgd", { SGD($0, lr: lrs, mom: 0.9, wd: 0.1) }),
    ("rmsprop", { RMSProp($0, lr: lrs, mom: 0.9, wd: 0.1, decoupleWD: false) }),
    ("adam", { Adam($0, lr: lrs) }),
    ("radam", { RAdam($0, lr: lrs, wd: 0.1) }),
    ("qhadam", { QHAdam($0, lr: lrs) }),
    ("larc", { Larc($0, lr: lrs, wd: 0.1) }),
    ("lamb", { Lamb($0, lr: lrs, wd: 0.1) }),
    ("ranger", { Ranger($0, lr: lrs, k: 2) }),
    ("lion", { Lion($0, lr: lrs, wd: 0.1) }),
    ("adopt", { ADOPT($0, lr: lrs, wd: 0.1) }),
    ("ademamix", { AdEMAMix($0, lr: lrs, tAlphaBeta3: 4, wd: 0.1) }),
    ("cautious-adam", { CautiousAdam($0, lr: lrs) }),
    ("cautious-lion", { CautiousLion($0, lr: lrs, wd: 0.1) }),
    ("sf-adamw", { ScheduleFreeAdamW($0, lr: lrs, wd: 0.1, warmupSteps: 2) }),
    ("sf-sgd", { ScheduleFreeSGD($0, lr: lrs, wd: 0.1) }),
    ("prodigy", { Prodigy($0, lr: 1, wd: 0.1) }),
    ("adafactor", { Adafactor($0, lr: lrs, wd: 0.1) }),
    ("muon", { Muon($0, lr: lrs, rule: .allMatrices) }),
    ("seed-rmsprop", { Optimizer($0, steppers: SeedSteppers.rmsPropFused, defaults: ["lr": lrs, "square_mom": 0.99, "eps": 1e-8]) }),
  ] }

  @Test(arguments: optimizers.map(\.0))
  func savedStateContinuesBitForBit(_ name: String) throws {
    let make = try #require(Self.optimizers.first { $0.0 == name }).1
    let straight = Self.params(), opt = make(straight)
    for t in 0..<6 { Self.step(opt, straight, t) }

    let first = Self.params(), before = make(first)
    for t in 0..<3 { Self.step(before, first, t) }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-roundtrip-\(UUID().uuidString).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try before.save(to: path)
    let resumed = Self.params()
    for (p, q) in zip(resumed.joined(), first.joined()) { p.copy_(q) }
    let after = make(resumed)
    try after.load(from: path)
    for t in 3..<6 { Self.step(after, resumed, t) }

    #expect(resumed.joined().flatMap(\.scalars).map(\.bitPattern) == straight.joined().flatMap(\.scalars).map(\.bitPattern))
  }

  /// Non-finite hypers and scalars are written as strings ("inf", "-inf", "nan") and read back.
  @Test func nonFiniteHypersRoundTrip() throws {
    let p = Tensor([1, 2], shape: [2], requiresGrad: true)
    let opt = SGD([[p]], lr: 0.1)
    opt.setHyper("cap", .all(.infinity))
    opt.setHyper("floor", .all(-.infinity))
    opt.state(of: p).scalars["odd"] = .nan
    let (tensors, metadata) = opt.stateDict()
    let loaded = SGD([[Tensor([1, 2], shape: [2], requiresGrad: true)]], lr: 0.1)
    try loaded.loadStateDict(tensors, metadata: metadata)
    #expect(loaded.hypers[0]["cap"] == .infinity)
    #expect(loaded.hypers[0]["floor"] == -.infinity)
    #expect(loaded.state(of: loaded.allParameters[0]).scalars["odd"]?.isNaN == true)
  }
}
