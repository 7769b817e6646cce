import Foundation

/// What `compare --seeds` reports: per optimizer, the mean ± sample standard deviation of the
/// final valid_loss and accuracy over the seeds, each seed's value, and against the optimizer
/// with the best mean accuracy the mean paired difference (same seed: same initial weights and
/// batches) with its standard error — a difference beyond two standard errors is one that the
/// seed-to-seed noise does not explain.
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
    say("\nAgainst \(best) (best mean accuracy), seed by seed: mean accuracy difference ± standard error")
    for r in rows {
      guard let d = r.pairedDifference, let se = r.standardError else { continue }
      let verdict = r.exceedsTwoStandardErrors == true ? "beyond 2 SE: a real difference" : "within 2 SE: noise could explain it"
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
          ]
        }
        return o
      },
    ]
  }
}
