import DescentLearn
import DescentNN
import Foundation

/// Where `--tensorboard DIR` puts each run, and the hyper-parameters its HParams session
/// records. One folder per run, named after it, so that `compare --seed 42,1,2` gives one row per
/// optimizer and seed in TensorBoard's HParams table; a name already taken by an earlier run
/// gets a version suffix (`adam-seed42-2`), so that runs never merge.
enum TensorBoardRuns {
  /// `adam-seed42`: `train` and `compare` name their runs alike.
  static func runName(_ choice: OptimizerChoice, seed: UInt64) -> String { "\(choice.name)-seed\(seed)" }

  /// The finder's curve: `lr_find-adam-seed42`, beside the run it chose the lr for (not inside
  /// it: the HParams plugin would count a subfolder's scalars among the run's metrics).
  static func lrFindName(_ choice: OptimizerChoice, seed: UInt64) -> String { "lr_find-" + runName(choice, seed: seed) }

  static func folder(_ root: String, _ run: String) -> String {
    let base = (root as NSString).appendingPathComponent(run)
    var path = base, version = 1
    while FileManager.default.fileExists(atPath: path) {
      version += 1
      path = "\(base)-\(version)"
    }
    return path
  }

  /// The hyper-parameters whose values differ between the runs of one command: the optimizer
  /// and seed when there are several, the lr when the optimizers' differ or a finder picks it
  /// (from one seed to the next). The HParams tab shows these first.
  static func differing(_ choices: [OptimizerChoice], seeds: [UInt64]) -> Set<String> {
    var names: Set<String> = []
    if Set(choices).count > 1 { names.insert("optimizer") }
    if Set(seeds).count > 1 { names.insert("seed") }
    let lrs = choices.map(\.defaultLR)
    if choices.count * seeds.count > 1 && (Set(lrs).count > 1 || lrs.contains(nil)) { names.insert("lr") }
    return names
  }

  static func hparams(_ choice: OptimizerChoice, options: TrainingOptions, lr: Double, epochs: Int) -> [String: HParamValue] {
    [
      "optimizer": .string(choice.name), "lr": .number(lr), "seed": .number(Double(options.seed)),
      "arch": .string(options.arch.rawValue), "size": .number(Double(options.size)), "bs": .number(Double(options.bs)),
      "epochs": .number(Double(epochs)), "mixed_precision": .bool(options.mixedPrecision),
    ]
  }
}
