import ArgumentParser
import DescentOptim
import Foundation

/// `descent optimizers`: the catalog every command reads, as a Markdown table or JSON.
struct OptimizersCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "optimizers",
    abstract: "List the optimizers --opt and --opts take, with their defaults.",
    discussion: """
      One row per optimizer of the catalog (Descent's own, then any the program registered): \
      its name, title, the lr train and compare use (lr_find's valley where none), fit_one_cycle's \
      moms (fastai's 0.95, 0.85, 0.95 unless the optimizer sets its own), whether it trains \
      schedule-free at a constant lr, and the bytes a step moves per parameter where `bench \
      optim` times it.

      Examples:
        descent optimizers
        descent optimizers --json
      """)

  @OptionGroup var json: JSONOutput

  func run() throws {
    let entries = OptimizerCatalog.entries
    if json.isRequested {
      let rows: [[String: Any]] = entries.map { e in
        var r: [String: Any] = ["name": e.name, "title": e.title, "schedule_free": e.isScheduleFree]
        r["lr"] = e.defaultLR ?? NSNull()
        r["moms"] = e.oneCycleMoms.map { [$0.0, $0.1, $0.2] } ?? NSNull()
        r["step_bytes"] = e.stepBytes ?? NSNull()
        return r
      }
      try json.write(["optimizers": rows])
      if json.toStandardOutput { return }
    }
    for line in Self.markdown(entries) { say(line) }
  }

  /// The table as docs/optimizers.md shows it.
  static func markdown(_ entries: [OptimizerEntry]) -> [String] {
    func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%g", v) }
    return ["| name | optimizer | lr | one-cycle moms | schedule-free | bytes a step |", "|---|---|---|---|---|---|"]
      + entries.map { e in
        let lr = e.defaultLR.map(number) ?? "lr_find's valley"
        let moms = e.isScheduleFree ? "— (constant lr)" : e.oneCycleMoms.map { "\(number($0.0)), \(number($0.1)), \(number($0.2))" } ?? "0.95, 0.85, 0.95"
        return "| `\(e.name)` | \(e.title) | \(lr) | \(moms) | \(e.isScheduleFree ? "yes" : "") | \(e.stepBytes.map(String.init) ?? "") |"
      }
  }
}
