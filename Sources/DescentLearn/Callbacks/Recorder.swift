import DescentDistributed
import Foundation

/// Records the run (fastai's `Recorder`): the smoothed training loss, learning rate and
/// momentum of every training batch (for plots and the LR finder), and per epoch the
/// training loss, validation loss and metrics, which it prints as fastai's table.
public final class Recorder: Callback {
  public let addTime: Bool
  public let trainMetrics: Bool
  public let validMetrics: Bool
  public let smooth: AvgSmoothLoss
  public let validLoss = AvgLoss()

  /// Per training batch: learning rate and momentum of the last group, smoothed loss.
  public private(set) var lrs: [Double] = []
  public private(set) var moms: [Double] = []
  public private(set) var losses: [Double] = []
  /// Training batches done at the end of each epoch (for marking epochs on plots).
  public private(set) var iters: [Int] = []
  /// Per epoch: the row's values without epoch and time.
  public private(set) var values: [[LogValue]] = []
  /// The table's column names: epoch, losses, metrics, time.
  public private(set) var metricNames: [String] = []
  /// The last row written, time included.
  public private(set) var lastLog: [LogValue] = []

  /// When set, the table's rows also go to this CSV file (fastai's `CSVLogger`): the header
  /// at the start of each fit, then each row as its epoch ends, flushed.
  public var csvPath: String?
  /// Append to the CSV file instead of starting it anew at each fit.
  public var csvAppend = false
  private var csv: FileHandle?

  private var log: [LogValue] = []
  private var times: [String] = []
  private var cancelledTrain = false, cancelledValid = false, cancelledEpoch = false
  private var epochStart = 0.0

  /// What the Recorder has recorded, for a checkpoint: a resumed run starts from it, so that
  /// its table, CSV, plots and smoothed loss carry on as the uninterrupted run's.
  public struct State: Codable, Equatable, Sendable {
    public var lrs: [Double], moms: [Double], losses: [Double], iters: [Int]
    public var values: [[LogValue]]
    /// Each row's time column, as printed (empty without `addTime`).
    public var times: [String]
    public var smoothCount: Int
    /// The smoothed loss's running average, as its bit pattern (exact through JSON).
    public var smoothAverageBits: UInt32
  }

  public var state: State {
    State(lrs: lrs, moms: moms, losses: losses, iters: iters, values: values, times: times, smoothCount: smooth.state.count,
          smoothAverageBits: smooth.state.average.bitPattern)
  }

  /// Set before a fit that resumes a run (`Learner.load` does): the fit starts from it instead of
  /// empty, writing its rows to the CSV again first.
  public var resumeFrom: State?

  public init(addTime: Bool = true, trainMetrics: Bool = false, validMetrics: Bool = true, beta: Float = 0.98) {
    self.addTime = addTime
    self.trainMetrics = trainMetrics
    self.validMetrics = validMetrics
    smooth = AvgSmoothLoss(beta: beta)
  }

  public override var order: Int { 50 }

  public var table: ResultsTable { ResultsTable(names: metricNames) }

  private func trainMets(_ learn: Learner) -> [Metric] {
    cancelledTrain ? [] : [smooth] + (trainMetrics ? learn.metrics : [])
  }

  private func validMets(_ learn: Learner) -> [Metric] {
    cancelledValid || !validMetrics ? [] : [validLoss] + learn.metrics
  }

  public override func beforeFit(_ learn: Learner) throws {
    lrs = []; moms = []; losses = []; iters = []; values = []; times = []
    let names = learn.metrics.map(\.name)
    var columns: [String]
    if trainMetrics && validMetrics {
      columns = (["loss"] + names).map { "train_\($0)" } + (["loss"] + names).map { "valid_\($0)" }
    } else if validMetrics {
      columns = ["train_loss", "valid_loss"] + names
    } else {
      columns = ["train_loss"] + names
    }
    metricNames = ["epoch"] + columns + (addTime ? ["time"] : [])
    smooth.reset()
    learn.logger?(table.header)
    try openCSV()
    if let resumed = resumeFrom {
      resumeFrom = nil
      (lrs, moms, losses, iters, values, times) = (resumed.lrs, resumed.moms, resumed.losses, resumed.iters, resumed.values, resumed.times)
      smooth.restore(count: resumed.smoothCount, average: Float(bitPattern: resumed.smoothAverageBits))
      for (epoch, row) in values.enumerated() {
        let time = addTime && epoch < times.count ? [LogValue.text(times[epoch])] : []
        try writeCSV(([LogValue.integer(epoch)] + row + time).map(\.csvText))
      }
    }
  }

  private func openCSV() throws {
    csv = nil
    // Under mpirun, rank 0 alone writes.
    guard let path = csvPath, Communicator.world.isMain else { return }
    let exists = FileManager.default.fileExists(atPath: path)
    if !csvAppend || !exists {
      guard FileManager.default.createFile(atPath: path, contents: nil) else {
        throw LearnerError.csvIO(path: path, reason: "cannot create the file")
      }
    }
    guard let handle = FileHandle(forWritingAtPath: path) else {
      throw LearnerError.csvIO(path: path, reason: "cannot open the file for writing")
    }
    handle.seekToEndOfFile()
    csv = handle
    try writeCSV(metricNames)
  }

  private func writeCSV(_ fields: [String]) throws {
    guard let csv else { return }
    do {
      try csv.write(contentsOf: Data((fields.joined(separator: ",") + "\n").utf8))
      try csv.synchronize()
    } catch {
      throw LearnerError.csvIO(path: csvPath ?? "?", reason: "\(error)")
    }
  }

  public override func afterFit(_ learn: Learner) throws {
    try csv?.close()
    csv = nil
  }

  public override func beforeEpoch(_ learn: Learner) throws {
    cancelledTrain = false
    cancelledValid = false
    cancelledEpoch = false
    epochStart = Date().timeIntervalSinceReferenceDate
    log = [.integer(learn.epoch)]
  }

  public override func beforeTrain(_ learn: Learner) throws { for m in trainMets(learn).dropFirst() { m.reset() } }
  public override func beforeValidate(_ learn: Learner) throws { for m in validMets(learn) { m.reset() } }
  public override func afterCancelTrain(_ learn: Learner) throws { cancelledTrain = true }
  public override func afterCancelValidate(_ learn: Learner) throws { cancelledValid = true }
  public override func afterCancelEpoch(_ learn: Learner) throws { cancelledEpoch = true }

  public override func afterBatch(_ learn: Learner) throws {
    guard !learn.yb.isEmpty, !learn.skippingBatch else { return }
    for m in learn.training ? trainMets(learn) : validMets(learn) { m.accumulate(learn) }
    guard learn.training else { return }
    let hypers = learn.optimizer?.hypers.last ?? [:]
    lrs.append(Double(hypers["lr"] ?? .nan))
    if let mom = hypers["mom"] { moms.append(Double(mom)) }
    let s = smooth.value ?? .nan
    losses.append(s)
    learn.smoothLoss = s
  }

  public override func afterTrain(_ learn: Learner) throws { log += trainMets(learn).map(Self.cell) }
  public override func afterValidate(_ learn: Learner) throws { log += validMets(learn).map(Self.cell) }

  public override func afterEpoch(_ learn: Learner) throws {
    // An epoch skipped before it began (a resumed run's earlier epochs) leaves no row; fastai
    // prints one holding just the epoch number.
    if cancelledEpoch && log.count == 1 { return }
    values.append(Array(log.dropFirst()))
    if addTime {
      let time = formatTime(Date().timeIntervalSinceReferenceDate - epochStart)
      log.append(.text(time))
      times.append(time)
    }
    lastLog = log
    learn.logger?(table.row(log))
    try writeCSV(log.map(\.csvText))
    iters.append(smooth.count)
  }

  /// The number in column `name` ("train_loss", "valid_loss", a metric) for epoch row `row`.
  public func value(_ name: String, row: Int) -> Double? {
    guard values.indices.contains(row), let column = metricNames.firstIndex(of: name), column >= 1,
          column - 1 < values[row].count, case .number(let d) = values[row][column - 1] else { return nil }
    return d
  }

  static func cell(_ m: Metric) -> LogValue { m.value.map(LogValue.number) ?? .missing }
}
