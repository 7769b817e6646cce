import DescentNN
import DescentOptim
import DescentTensor
import Foundation
import Testing
@testable import DescentLearn

@Suite struct LearnerTests {
  @Test func trainingLowersTheLoss() throws {
    let learn = Toy.learner(metrics: [AvgMetric.accuracy()])
    try learn.fitOneCycle(4, lrMax: 0.05)
    let first = learn.recorder.losses.first!, last = learn.recorder.losses.last!
    #expect(last < first)
    #expect(learn.recorder.lrs.count == 16 && learn.recorder.moms.count == 16)
    #expect(learn.recorder.values.count == 4)
  }

  /// fastprogress's layout, against fastai's own example row.
  @Test func tableLayout() {
    let t = ResultsTable(names: ["epoch", "train_loss", "valid_loss", "accuracy", "time"])
    #expect(t.header == "epoch     train_loss  valid_loss  accuracy  time    ")
    let row = t.row([.integer(0), .number(2.515065), .number(1.997084), .number(0.380892), .text("00:48")])
    #expect(row == "0         2.515065    1.997084    0.380892  00:48     ")
    #expect(formatTime(48.9) == "00:48" && formatTime(3725) == "1:02:05")
  }

  /// The printed table and the CSV file of a real run; valid_loss is the mean over items
  /// (batches of 4, 4 and 2 weighted by size).
  @Test func recorderTableAndCSV() throws {
    let dir = Toy.temporaryDirectory()
    let learn = Toy.learner(metrics: [AvgMetric.accuracy(), AvgMetric.errorRate()])
    var lines: [String] = []
    learn.logger = { lines.append($0) }
    learn.recorder.csvPath = dir + "/history.csv"
    try learn.fit(2, lr: 0.01)
    #expect(lines.count == 3)
    #expect(lines[0] == "epoch     train_loss  valid_loss  accuracy  error_rate  time    ")
    let pattern = #/^1         \d\.\d{6}    \d\.\d{6}    \d\.\d{6}  \d\.\d{6}    \d\d:\d\d     $/#
    #expect(lines[2].wholeMatch(of: pattern) != nil, "\(lines[2])")

    let valid = Toy.data().valid as! InMemoryBatches
    let expected = noGrad { () -> Double in
      learn.model.eval()
      return Double(learn.model(valid.x).crossEntropy(valid.y).item())
    }
    guard case .number(let validLoss) = learn.recorder.values[1][1] else { Issue.record("no valid loss"); return }
    #expect(abs(validLoss - expected) < 1e-6)

    let csv = try String(contentsOfFile: dir + "/history.csv", encoding: .utf8).split(separator: "\n")
    #expect(csv.count == 3)
    #expect(csv[0] == "epoch,train_loss,valid_loss,accuracy,error_rate,time")
    #expect(csv[2].hasPrefix("1,"))
  }

  /// A run stopped after epoch 0 and resumed from its checkpoint at epoch 1 ends with exactly
  /// the weights of the uninterrupted run.
  @Test func resumeFromCheckpointMatchesUninterrupted() throws {
    let dir = Toy.temporaryDirectory()
    let whole = Toy.learner(directory: dir)
    try whole.fitOneCycle(2, lrMax: 0.02)

    let first = Toy.learner(directory: dir)
    let stop = EventCallback(order: 70, [.afterEpoch: { _ in throw CancelSignal.fit }])
    try first.fitOneCycle(2, lrMax: 0.02, callbacks: [SaveCheckpoint("run"), stop])

    let resumed = Toy.learner(seed: 99, directory: dir)  // different initial weights
    let info = try resumed.load("run")
    #expect(info.epochsDone == 1 && info.optimizerLoaded)
    try resumed.fitOneCycle(2, lrMax: 0.02, startEpoch: info.epochsDone!)
    #expect(Toy.weights(resumed.model) == Toy.weights(whole.model))
    #expect(Toy.weights(resumed.model) != Toy.weights(first.model))
  }

  /// With dropout, whose masks draw from the shared generator, and the Recorder's smoothed
  /// loss carrying over epochs: the resumed run restores both, so its weights, its table rows and
  /// its CSV are the uninterrupted run's.
  @Test func resumeRestoresTheGeneratorAndTheRecorder() throws {
    // Its own shared generator: tests beside it draw from theirs.
    try Random.$scoped.withValue(Locked(RandomGenerator(seed: 0))) { try resumeWithDropout() }
  }

  func resumeWithDropout() throws {
    func learner(_ dir: String, seed: UInt64 = 1) -> Learner {
      var g = RandomGenerator(seed: seed)
      let model = Sequential(Linear(2, 8, using: &g), ReLU(), Dropout(0.5), Linear(8, 2, using: &g))
      let learn = Learner(data: Toy.data(), model: model, lossFunc: { $0.crossEntropy($1) },
                          optimizerFactory: { Adam($0, lr: 1e-3) }, metrics: [AvgMetric.accuracy()], modelDirectory: dir, progress: false)
      learn.logger = nil
      learn.recorder.csvPath = dir + "/history.csv"
      return learn
    }
    let wholeDir = Toy.temporaryDirectory(), dir = Toy.temporaryDirectory()
    Random.seed(3)
    let whole = learner(wholeDir)
    try whole.fitOneCycle(3, lrMax: 0.02)

    Random.seed(3)
    let first = learner(dir)
    let stop = EventCallback(order: 70, [.afterEpoch: { l in if l.epoch == 1 { throw CancelSignal.fit } }])
    try first.fitOneCycle(3, lrMax: 0.02, callbacks: [SaveCheckpoint("run"), stop])

    Random.seed(99)  // another generator state, as a new process would have
    let resumed = learner(dir, seed: 5)
    let info = try resumed.load("run")
    #expect(info.epochsDone == 2)
    try resumed.fitOneCycle(3, lrMax: 0.02, startEpoch: 2)
    #expect(Toy.weights(resumed.model) == Toy.weights(whole.model))
    #expect(resumed.recorder.values == whole.recorder.values && resumed.recorder.losses == whole.recorder.losses)
    #expect(resumed.recorder.lrs == whole.recorder.lrs && resumed.recorder.iters == whole.recorder.iters)
    func csvNumbers(_ d: String) throws -> [String] {
      // Every column but the time.
      try String(contentsOfFile: d + "/history.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
    }
    #expect(try csvNumbers(dir) == csvNumbers(wholeDir))
    #expect(try csvNumbers(dir).count == 4)
  }

  /// Stopped after batch 2 of epoch 1 (a SIGTERM's checkpoint) and resumed there: the skipped
  /// batches are neither trained nor recorded, and the run ends as the uninterrupted one.
  @Test func resumeMidEpochMatchesUninterrupted() throws {
    try Random.$scoped.withValue(Locked(RandomGenerator(seed: 0))) {
      func learner(_ dir: String, seed: UInt64 = 1) -> Learner {
        var g = RandomGenerator(seed: seed)
        let model = Sequential(Linear(2, 8, using: &g), ReLU(), Dropout(0.5), Linear(8, 2, using: &g))
        let learn = Learner(data: Toy.data(), model: model, lossFunc: { $0.crossEntropy($1) },
                            optimizerFactory: { Adam($0, lr: 1e-3) }, modelDirectory: dir, progress: false)
        learn.logger = nil
        return learn
      }
      let dir = Toy.temporaryDirectory()
      Random.seed(3)
      let whole = learner(dir)
      try whole.fitOneCycle(3, lrMax: 0.02)

      Random.seed(3)
      let first = learner(dir)
      let stop = EventCallback(order: 70, [.afterBatch: { l in
        guard l.training, l.epoch == 1, l.iteration == 1 else { return }
        try l.save("mid", epochsDone: 1, batchesDone: 2)
        throw CancelSignal.fit
      }])
      try first.fitOneCycle(3, lrMax: 0.02, callbacks: [stop])

      Random.seed(99)
      let resumed = learner(dir, seed: 5)
      let info = try resumed.load("mid")
      #expect(info.epochsDone == 1 && info.batchesDone == 2)
      try resumed.fitOneCycle(3, lrMax: 0.02, startEpoch: 1, startBatch: 2)
      #expect(Toy.weights(resumed.model) == Toy.weights(whole.model))
      #expect(resumed.recorder.losses == whole.recorder.losses && resumed.recorder.values == whole.recorder.values)
      #expect(resumed.recorder.lrs == whole.recorder.lrs)
    }
  }

  /// A NaN loss at epoch 1, batch 2 stops training with an error naming the place; the
  /// checkpoint from epoch 0 is untouched.
  @Test func nonFiniteLossStops() throws {
    let dir = Toy.temporaryDirectory()
    var calls = 0
    let learn = Toy.learner(directory: dir, lossFunc: { pred, y in
      let l = pred.crossEntropy(y)
      guard GradMode.isEnabled else { return l }
      calls += 1
      return calls == 7 ? l * Float.nan : l
    })
    var afterEpoch0: [[Float]] = []
    let snap = EventCallback(order: 61, [.afterEpoch: { l in if l.epoch == 0 { afterEpoch0 = Toy.weights(l.model) } }])
    do {
      try learn.fit(3, lr: 0.01, callbacks: [SaveCheckpoint("good"), snap])
      Issue.record("a NaN loss must stop training")
    } catch let LearnerError.nonFiniteLoss(loss, epoch, batch, lr) {
      #expect(loss.isNaN && epoch == 1 && batch == 2 && abs(lr - 0.01) < 1e-9)
      #expect("\(LearnerError.nonFiniteLoss(loss: loss, epoch: epoch, batch: batch, lr: lr))".contains("epoch 1, batch 2"))
    }
    let check = Toy.learner(seed: 5, directory: dir)
    let info = try check.load("good")
    #expect(info.epochsDone == 1)
    #expect(Toy.weights(check.model) == afterEpoch0)
  }

  @Test func checkpointMismatchIsReported() throws {
    let dir = Toy.temporaryDirectory()
    let learn = Toy.learner(directory: dir)
    try learn.save("small")
    var g = RandomGenerator(seed: 3)
    let other = Learner(data: Toy.data(), model: Sequential(Linear(2, 3, using: &g)), modelDirectory: dir, progress: false)
    #expect(throws: LearnerError.self) { try other.load("small") }
  }

  /// A training checkpoint resumes under as many processes as trained it: here one, so one
  /// saved by two data-parallel processes is refused, saying how to resume it.
  @Test func checkpointOfAnotherProcessCountIsRefused() throws {
    let dir = Toy.temporaryDirectory()
    let learn = Toy.learner(directory: dir)
    let path = try learn.save("mine", epochsDone: 1)
    let saved = try Safetensors.load(path: path)
    var metadata = saved.metadata
    #expect(metadata["descent.processes"] == "1")
    try learn.load("mine")
    metadata["descent.processes"] = "2"
    try Safetensors.save(saved.tensors, to: path, metadata: metadata)
    do {
      try learn.load("mine")
      Issue.record("a checkpoint of 2 processes must not resume in 1")
    } catch {
      #expect("\(error)".contains("mpirun -np 2"))
    }
  }

  /// fine_tune's two stages on two groups: frozen first, then discriminative rates.
  @Test func fineTuneAndFreeze() throws {
    let model = Toy.model() as! Sequential
    let learn = Learner(data: Toy.data(), model: model, splitter: { m in
      let s = m as! Sequential
      return [s[0].parameters(), s[2].parameters()]
    }, modelDirectory: Toy.temporaryDirectory(), progress: false)
    learn.logger = nil
    let body = Toy.weights(model[0])
    learn.freeze()
    try learn.fit(1, lr: 0.01)
    #expect(Toy.weights(model[0]) == body)
    try learn.fineTune(1, freezeEpochs: 1)
    #expect(Toy.weights(model[0]) != body)
    let lrs = learn.optimizer!.hypers.map { $0["lr"]! }
    #expect(lrs[0] < lrs[1])
  }
}

@Suite struct ProgressTests {
  @Test func barText() {
    let line = ProgressCallback.line(epoch: 0, epochs: 3, done: 25, total: 100, elapsed: 10, loss: 2.34567, barWidth: 20)
    #expect(line == "Epoch 1/3 : |█████---------------| 25.00% [25/100 00:10<00:30, 2.50 it/s... 2.3457]")
  }

  /// Bar text goes only to the writer, and the line is cleared at the end of each pass.
  @Test func drawsAndClears() throws {
    var out = ""
    let learn = Toy.learner(callbacks: [ProgressCallback(write: { out += $0 })])
    try learn.fit(1)
    #expect(out.contains("[4/4 ") && out.contains("[3/3 "))
    #expect(out.hasSuffix("\r"))
    // Each pass's first frame knows its batches: no "100.00% [0/0" frame, no validation total
    // on a training frame.
    let frames = out.split(separator: "\r").filter { $0.hasPrefix("Epoch") }
    #expect(frames.first?.contains("0.00% [0/4 ") == true)
    #expect(frames.contains { $0.contains("0.00% [0/3 ") })
    #expect(!out.contains("[0/0"))
  }
}
