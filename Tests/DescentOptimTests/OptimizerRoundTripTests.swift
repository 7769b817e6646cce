import Foundation
import Testing
@testable import DescentOptim
import DescentTensor

/// Every catalog optimizer's state survives a save and a load: stepping, saving, loading into a fresh
/// optimizer over fresh tensors with the same values, and stepping on ends bit for bit where the
/// uninterrupted run ends — Adafactor's factored averages (not shaped like their parameters) and
/// Prodigy's infinite default growth rate included.
@Suite struct OptimizerRoundTripTests {
  /// A vector, a matrix, a 3×3 conv kernel and a 1×1 one (Adafactor factors the last two
  /// dimensions; Muon takes the hidden ones: not the first matrix, not the last group's).
  static func params() -> [[Tensor]] {
    var j = 0
    return [[[37], [6, 5]], [[4, 3, 3, 3], [8, 4, 1, 1]], [[5]]].map { group in
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

  /// Every optimizer of the catalog, with weight decay so that it is exercised too, and the
  /// seed's RMSProp as tensor steppers.
  static var optimizers: [(String, ([[Tensor]]) -> Optimizer)] {
    OptimizerCatalog.entries.map { entry in (entry.name, { entry.make($0, 0.1) }) }
      + [("rmsprop-tensor-steppers", { Optimizer($0, steppers: SeedSteppers.rmsProp, defaults: ["lr": 1e-2, "square_mom": 0.99, "eps": 1e-8]) })]
  }

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

    let moved = zip(straight.joined().flatMap(\.scalars), Self.params().joined().flatMap(\.scalars)).contains { $0 != $1 }
    #expect(moved, "the optimizer must move the parameters for the check to mean anything")
    #expect(resumed.joined().flatMap(\.scalars).map(\.bitPattern) == straight.joined().flatMap(\.scalars).map(\.bitPattern))
  }

  /// Reads two hypers that may be infinite.
  struct Capped: Stepper {
    let lr = Hyper("lr"), cap = Hyper("cap"), floor = Hyper("floor")
    func step(_ s: inout Lanes) { s.p = min(max(s.p - s[lr] * s.g, s[floor]), s[cap]) }
  }

  /// Non-finite hypers and scalars are written as strings ("inf", "-inf", "nan") and read back.
  @Test func nonFiniteHypersRoundTrip() throws {
    let p = Tensor([1, 2], shape: [2], requiresGrad: true)
    let opt = Optimizer([p], steppers: [.fused { Capped() }], defaults: ["lr": 0.1, "cap": .all(.infinity), "floor": .all(-.infinity)])
    opt.state(of: p).scalars["odd"] = .nan
    let (tensors, metadata) = opt.stateDict()
    let loaded = Optimizer([Tensor([1, 2], shape: [2], requiresGrad: true)], steppers: [.fused { Capped() }], defaults: ["lr": 0.1, "cap": 1, "floor": 0])
    try loaded.loadStateDict(tensors, metadata: metadata)
    #expect(loaded.hypers[0]["cap"] == .infinity)
    #expect(loaded.hypers[0]["floor"] == -.infinity)
    #expect(loaded.state(of: loaded.allParameters[0]).scalars["odd"]?.isNaN == true)
  }
}
