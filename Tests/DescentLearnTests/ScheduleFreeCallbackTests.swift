import DescentNN
import DescentOptim
import DescentTensor
import Foundation
import Testing
@testable import DescentLearn

/// The schedule-free callback validates, saves and ends at x, with batch-norm statistics
/// recomputed at x, as the `schedulefree` package asks of its users.
@Suite struct ScheduleFreeCallbackTests {
  static func learner(_ callback: ScheduleFreeCallback?) -> Learner {
    var g = RandomGenerator(seed: 3)
    let model = Sequential(Linear(2, 6, using: &g), BatchNorm1d(6), ReLU(), Linear(6, 2, using: &g))
    let learn = Learner(data: Toy.data(), model: model, lossFunc: { $0.crossEntropy($1) },
                        optimizerFactory: { ScheduleFreeAdamW($0, lr: 2e-2) },
                        callbacks: callback.map { [$0] } ?? [], modelDirectory: NSTemporaryDirectory(), progress: false)
    learn.logger = nil
    return learn
  }

  /// The valid_loss of the model as it stands, in eval mode.
  static func validLoss(_ learn: Learner) throws -> Double {
    learn.model.eval()
    var total = 0.0, count = 0
    let batches = learn.data.valid.batches(epoch: 0)
    try noGrad {
      while let b = try batches.next() {
        total += Double(learn.model(b.x).crossEntropy(b.y).item()) * Double(b.size)
        count += b.size
      }
    }
    return total / Double(count)
  }

  @Test func validatesAndEndsAtTheAverage() throws {
    let learn = Self.learner(ScheduleFreeCallback(recalibrationBatches: 4, warmupFraction: 0.1))
    try learn.fit(3, lr: 2e-2)
    let opt = try #require(learn.optimizer)
    // 10% of 3 epochs × 4 batches, rounded.
    #expect(opt.hypers[0]["warmup_steps"] == 1)
    for p in opt.allParameters { #expect(opt.state(of: p).scalars["sf_eval"] == 1) }
    // The last validation ran on the model the fit leaves: x, with x's batch-norm statistics.
    let recorded = try #require(learn.recorder.value("valid_loss", row: 2))
    #expect(abs(try Self.validLoss(learn) - recorded) < 1e-6)
    // x differs from y, and train() then eval() returns to the same x.
    let x = Toy.weights(learn.model)
    ScheduleFree.train(opt)
    #expect(Toy.weights(learn.model) != x)
    ScheduleFree.eval(opt)
    for (a, b) in zip(Toy.weights(learn.model), x) { expectClose(a, b, rtol: 1e-5, atol: 1e-6) }
  }

  @Test func withoutTheCallbackTheModelStaysAtY() throws {
    let with = Self.learner(ScheduleFreeCallback(recalibrationBatches: 0))
    let without = Self.learner(nil)
    try with.fit(2, lr: 2e-2)
    try without.fit(2, lr: 2e-2)
    let opt = try #require(without.optimizer)
    for p in opt.allParameters { #expect(opt.state(of: p).scalars["sf_eval"] == nil) }
    // The same steps were taken: y, moved to x, is the callback's model.
    ScheduleFree.eval(opt)
    let parameters = { (l: Learner) in l.model.parameters().map(\.scalars) }
    for (a, b) in zip(parameters(without), parameters(with)) { expectClose(a, b, rtol: 1e-5, atol: 1e-6) }
  }
}

private func expectClose(_ a: [Float], _ b: [Float], rtol: Float, atol: Float, sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(a.count == b.count, sourceLocation: sourceLocation)
  for (i, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= rtol * abs(y) + atol) {
    Issue.record("element \(i): \(x) vs expected \(y)", sourceLocation: sourceLocation)
  }
}
