import Foundation

/// What `compare --seeds` reports: per optimizer, the mean ± sample standard deviation of the
/// final valid_loss and accuracy over the seeds, each seed's value, and against the optimizer
/// with the best mean accuracy the mean paired difference (same seed: same initial weights and
/// batches) with its standard error. Whether seed-to-seed noise could explain it is a paired
/// t-test at 95%: |mean| beyond t·SE with t for n − 1 degrees of freedom (12.7 for 2 seeds,
/// 4.30 for 3, 2.78 for 5), so that two or three seeds do not call a difference real that five
/// would not.
struct SeedSummary {
  struct Statistic {
    var values: [Double]
    var mean: Double { values.reduce(0, +) / Double(values.count) }
    /// Sample standard deviation (n − 1); 0 for a single value.
    var standardDeviation: Double {
      guard values.count > 1 else { return 0 }
      let m = mean
      return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }
    var json: [String: Any] { ["mean": mean, "std": standardDeviation, "values": values] }
  }

  struct Row {
    var optimizer: String
    var validLoss: Statistic
    var accuracy: Statistic
    /// Accuracy minus the best optimizer's, seed by seed (nil for the best itself).
    var pairedDifference: Statistic?
    /// Standard error of the mean paired difference.
    var standardError: Double? {
      pairedDifference.map { $0.standardDeviation / Double($0.values.count).squareRoot() }
    }
    var exceedsTwoStandardErrors: Bool? {
      guard let d = pairedDifference, let se = standardError, d.values.count > 1 else { return nil }
      return abs(d.mean) > 2 * se
    }
    /// The paired t-test at 95%: whether |mean| > t·SE (nil for the best, or one seed).
    var isRealDifference: Bool? {
      guard let d = pairedDifference, let se = standardError, d.values.count > 1 else { return nil }
      return abs(d.mean) > SeedSummary.tCritical95(degreesOfFreedom: d.values.count - 1) * se
    }
  }

  let seeds: [UInt64]
  let rows: [Row]
  let best: String

  /// `runs[o][s]`: optimizer o's run at seed s.
  init(seeds: [UInt64], runs: [[TrainingRun]]) {
    self.seeds = seeds
    func final(_ run: TrainingRun, _ value: (TrainingRun.EpochResult) -> Double?) -> Double {
      run.epochs.last.flatMap(value) ?? .nan
    }
    var rows = runs.map { perSeed in
      Row(optimizer: perSeed[0].optimizer, validLoss: Statistic(values: perSeed.map { final($0, \.valid_loss) }),
          accuracy: Statistic(values: perSeed.map { final($0, \.accuracy) }))
    }
    let bestIndex = rows.indices.max { rows[$0].accuracy.mean < rows[$1].accuracy.mean }!
    best = rows[bestIndex].optimizer
    for i in rows.indices where i != bestIndex {
      rows[i].pairedDifference = Statistic(values: zip(rows[i].accuracy.values, rows[bestIndex].accuracy.values).map { $0 - $1 })
    }
    self.rows = rows
  }

  /// The summary's lines.
  func print() {
    say("\n## Summary over seeds \(seeds.map(String.init).joined(separator: ", ")): final valid_loss and accuracy, mean ± standard deviation")
    let width = rows.map(\.optimizer.count).reduce("optimizer".count, max) + 2
    func line(_ name: String, _ loss: String, _ accuracy: String, _ perSeed: String) {
      func pad(_ t: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - t.count)) + t }
      say(name.padding(toLength: width, withPad: " ", startingAt: 0) + pad(loss, 19) + pad(accuracy, 19) + "   " + perSeed)
    }
    line("optimizer", "valid_loss", "accuracy", "accuracy per seed")
    for r in rows {
      line(r.optimizer, String(format: "%.4f ± %.4f", r.validLoss.mean, r.validLoss.standardDeviation),
           String(format: "%.4f ± %.4f", r.accuracy.mean, r.accuracy.standardDeviation),
           r.accuracy.values.map { String(format: "%.3f", $0) }.joined(separator: " "))
    }
    guard seeds.count > 1, rows.count > 1 else { return }
    let t = Self.tCritical95(degreesOfFreedom: seeds.count - 1)
    say("\nAgainst \(best) (best mean accuracy), seed by seed: mean accuracy difference ± standard error;"
        + String(format: " real at 95%% beyond %.2f SE (paired t, %d seeds)", t, seeds.count))
    for r in rows {
      guard let d = r.pairedDifference, let se = r.standardError else { continue }
      let verdict = r.isRealDifference == true ? "a real difference" : "noise could explain it"
      say("  " + r.optimizer.padding(toLength: width, withPad: " ", startingAt: 0)
          + String(format: "%+.4f ± %.4f   ", d.mean, se) + verdict)
    }
  }

  var json: [String: Any] {
    [
      "seeds": seeds.map { Int($0) }, "best": best,
      "optimizers": rows.map { r -> [String: Any] in
        var o: [String: Any] = ["optimizer": r.optimizer, "valid_loss": r.validLoss.json, "accuracy": r.accuracy.json]
        if let d = r.pairedDifference, let se = r.standardError {
          o["accuracy_vs_best"] = [
            "mean": d.mean, "standard_error": se, "values": d.values,
            "beyond_two_standard_errors": r.exceedsTwoStandardErrors ?? false,
            "t_critical_95": Self.tCritical95(degreesOfFreedom: seeds.count - 1),
            "real_difference_95": r.isRealDifference ?? false,
          ]
        }
        return o
      },
    ]
  }

  /// Student's t at 0.975 (two-sided 95%) for 1…30 degrees of freedom; beyond, the normal's.
  static func tCritical95(degreesOfFreedom n: Int) -> Double {
    let table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
    return n >= 1 && n <= table.count ? table[n - 1] : 1.960
  }
}
