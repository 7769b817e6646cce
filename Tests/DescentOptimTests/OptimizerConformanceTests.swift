import Foundation
import Testing
@testable import DescentOptim
import DescentTensor

/// Each optimizer runs the 20 steps of Reference/optimizer_reference.py and must end where
/// fastai's own code ends (OptimizerReferenceValues.swift), to 1e-5 relative.
@Suite struct OptimizerConformanceTests {
  static let shapes: [[[Int]]] = [[[3, 4], [4]], [[2, 3, 2], [5]], [[7]]]
  static let lrs: HyperSetting = .perGroup([1e-3, 1e-2, 3e-2])

  static func makeParams() -> [[Tensor]] {
    var j = 0
    return shapes.map { group in
      group.map { shape in
        let n = Shape.count(shape)
        let values = (0..<n).map { i in Float(0.8 * sin(0.23 * Double(i) + Double(j)) + 0.1) }
        j += 1
        return Tensor(values, shape: shape, requiresGrad: true)
      }
    }
  }

  static func gradient(_ j: Int, _ t: Int, _ n: Int) -> [Float] {
    (0..<n).map { i in
      let wave: Double = 0.5 * sin(0.37 * Double(i) + 0.7 * Double(j) + 0.3 * Double(t))
      return Float(wave + 0.05 * Double(t % 3))
    }
  }

  /// Runs 20 steps; with `reloadAt`, saves the state after that many steps and continues
  /// with a fresh optimizer loaded from the file.
  /// fit_one_cycle's default moms (0.95, 0.85, 0.95), pct_start 0.25, at step t of 20: the
  /// schedule that drives `mom` in the seed's momentum run (`one_cycle_mom` in the script).
  static func oneCycleMom(_ t: Int) -> Double {
    let pct = Double(t) / 20
    let (start, end, pos) = pct < 0.25 ? (0.95, 0.85, pct / 0.25) : (0.85, 0.95, (pct - 0.25) / 0.75)
    return start + (1 + cos(Double.pi * (1 - pos))) * (end - start) / 2
  }

  /// Hyper-parameters set before each step (as a ParamScheduler does), by case.
  static var schedules: [String: (Optimizer, Int) -> Void] { [
    "customMomentumOneCycle": { opt, t in opt.setHyper("mom", .all(oneCycleMom(t))) },
  ] }

  static func run(_ make: ([[Tensor]]) -> Optimizer, schedule: ((Optimizer, Int) -> Void)? = nil,
                  reloadAt: Int? = nil) throws -> [Float] {
    let groups = makeParams()
    var opt = make(groups)
    let params = Array(groups.joined())
    func configure(_ o: Optimizer) {
      o.freezeTo(1)
      o.state(of: params[3]).doWD = false
    }
    configure(opt)
    for t in 0..<20 {
      if t == reloadAt {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-opt-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try opt.save(to: path)
        opt = make(groups)
        configure(opt)
        opt.state(of: params[3]).doWD = true  // must come back from the file
        try opt.load(from: path)
      }
      for (j, p) in params.enumerated() {
        p.grad = p.requiresGrad ? Tensor(gradient(j, t, p.count), shape: p.shape) : nil
      }
      schedule?(opt, t)
      opt.step()
    }
    return params.flatMap(\.scalars)
  }

  static var cases: [(String, ([[Tensor]]) -> Optimizer)] { [
    ("sgd", { SGD($0, lr: lrs) }),
    ("sgdWD", { SGD($0, lr: lrs, wd: 0.1) }),
    ("sgdL2", { SGD($0, lr: lrs, wd: 0.1, decoupleWD: false) }),
    ("momentum", { SGD($0, lr: lrs, mom: 0.9, wd: 0.1) }),
    ("rmsprop", { RMSProp($0, lr: lrs) }),
    ("rmspropMomEps", { RMSProp($0, lr: lrs, mom: 0.9, eps: 1e-3, wd: 0.1) }),
    ("adam", { Adam($0, lr: lrs) }),
    ("adamNoWD", { Adam($0, lr: lrs, wd: 0) }),
    ("adamL2", { Adam($0, lr: lrs, wd: 0.1, decoupleWD: false) }),
    ("radam", { RAdam($0, lr: lrs, wd: 0.1) }),
    ("sadam", { RAdam($0, lr: lrs, beta: 2) }),
    ("qhadam", { QHAdam($0, lr: lrs, wd: 0.1) }),
    ("larc", { Larc($0, lr: lrs, wd: 0.1) }),
    ("lars", { Larc($0, lr: lrs, mom: 0, clip: false) }),
    ("lamb", { Lamb($0, lr: lrs, wd: 0.1) }),
    ("lookahead", { Lookahead(SGD($0, lr: lrs, mom: 0.9), k: 6, alpha: 0.5) }),
    ("ranger", { Ranger($0, lr: lrs) }),
    ("customSGD", { Optimizer($0, steppers: SeedSteppers.sgd, defaults: ["lr": lrs]) }),
    ("customMomentum", { Optimizer($0, steppers: SeedSteppers.momentum, defaults: ["lr": lrs, "mom": 0.9]) }),
    ("customMomentumOneCycle", { Optimizer($0, steppers: SeedSteppers.momentum, defaults: ["lr": lrs, "mom": 0.9]) }),
    ("customRMSProp", { Optimizer($0, steppers: SeedSteppers.rmsProp, defaults: ["lr": lrs, "square_mom": 0.99, "eps": 1e-8]) }),
  ] }
  static let caseNames = ["sgd", "sgdWD", "sgdL2", "momentum", "rmsprop", "rmspropMomEps", "adam", "adamNoWD", "adamL2",
                          "radam", "sadam", "qhadam", "larc", "lars", "lamb", "lookahead", "ranger", "customSGD",
                          "customMomentum", "customMomentumOneCycle", "customRMSProp"]

  @Test(arguments: caseNames)
  func matchesFastai(_ name: String) throws {
    let make = Self.cases.first { $0.0 == name }!.1
    let expected = try #require(OptimizerReference.finalParameters[name])
    expectClose(try Self.run(make, schedule: Self.schedules[name]), expected, rtol: 1e-5, atol: 1e-6)
  }

  @Test(arguments: caseNames)
  func stateDictReloadLeavesTheTrajectoryUnchanged(_ name: String) throws {
    let make = Self.cases.first { $0.0 == name }!.1
    let expected = try #require(OptimizerReference.finalParameters[name])
    expectClose(try Self.run(make, schedule: Self.schedules[name], reloadAt: 10), expected, rtol: 1e-5, atol: 1e-6)
  }
}

/// Asserts |a − b| ≤ rtol·|b| + atol elementwise, reporting the first mismatch.
func expectClose(_ a: [Float], _ b: [Float], rtol: Float, atol: Float, sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(a.count == b.count, "counts differ: \(a.count) vs \(b.count)", sourceLocation: sourceLocation)
  for (i, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= rtol * abs(y) + atol) {
    Issue.record("element \(i): \(x) vs expected \(y)", sourceLocation: sourceLocation)
    return
  }
}
