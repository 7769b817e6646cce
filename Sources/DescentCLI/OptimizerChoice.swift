import ArgumentParser
import DescentOptim
import DescentTensor
import Foundation

/// The optimizers `descent train`, `lr-find` and `compare` know by name: the library's catalog,
/// with the entries a program registered before running the commands.
typealias OptimizerChoice = OptimizerEntry

extension OptimizerEntry {
  static var adam: OptimizerEntry { OptimizerCatalog.entry(named: "adam")! }

  /// An option's value: an unknown name is a usage error (exit 2) whose one line lists them.
  static func parse(_ value: String) throws -> OptimizerEntry {
    guard let found = OptimizerCatalog.entry(named: value) else { throw ValidationError("must be one of \(argumentNames)") }
    return found
  }

  static var argumentNames: String { OptimizerCatalog.entries.map(\.name).joined(separator: ", ") }

  /// Every name with its default lr, for `--help`: "sgd (lr_find's valley), sgd-custom (1.5e-2), …".
  static var namesWithLR: String {
    OptimizerCatalog.entries.map { c in
      "\(c.name) (\(c.defaultLR.map { String(format: "%.1e", $0).replacingOccurrences(of: ".0e", with: "e").replacingOccurrences(of: "e-0", with: "e-") } ?? "lr_find's valley"))"
    }.joined(separator: ", ")
  }

  /// A factory over parameter groups. `wd` nil keeps each optimizer's own default.
  func factory(wd: Double?) -> ([[Tensor]]) -> Optimizer { { groups in self.make(groups, wd) } }
}
