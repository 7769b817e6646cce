import DescentTensor

/// One optimizer by name, as `descent train --opt`, `lr-find --opt`, `compare --opts` and
/// `bench optim` know it: the study's learning rate for it, how fit_one_cycle drives it, and a
/// factory. A new built-in optimizer is its file of steppers and one entry in
/// `OptimizerCatalog.builtIn`; a user's own executable adds its own with
/// `OptimizerCatalog.register`.
public struct OptimizerEntry: Sendable {
  /// The name on the command line (`adam`, `sf-adamw`).
  public let name: String
  /// The name in tables and headings (`Schedule-Free AdamW`).
  public let title: String
  /// The lr `train` and `compare` use unless given one; nil: lr_find's valley.
  public let defaultLR: Double?
  /// fit_one_cycle's `moms`; nil keeps fastai's (0.95, 0.85, 0.95), which drives `mom`.
  public let oneCycleMoms: (Double, Double, Double)?
  /// Trained at a constant lr (`fit`) with `ScheduleFreeCallback` rather than by one cycle.
  public let isScheduleFree: Bool
  /// The bytes one step reads and writes per parameter (p, g and the state, each pass), for
  /// `bench optim`'s GB/s; nil: not timed there.
  public let stepBytes: Int?
  /// The optimizer over parameter groups; `wd` nil keeps its own default.
  public let make: @Sendable (_ groups: [[Tensor]], _ wd: Double?) -> Optimizer

  public init(_ name: String, title: String, lr defaultLR: Double?, oneCycleMoms: (Double, Double, Double)? = nil,
              scheduleFree: Bool = false, stepBytes: Int? = nil,
              make: @escaping @Sendable (_ groups: [[Tensor]], _ wd: Double?) -> Optimizer) {
    self.name = name
    self.title = title
    self.defaultLR = defaultLR
    self.oneCycleMoms = oneCycleMoms
    isScheduleFree = scheduleFree
    self.stepBytes = stepBytes
    self.make = make
  }
}

/// Entries are one by name (the catalog refuses a name twice).
extension OptimizerEntry: Hashable {
  public static func == (a: OptimizerEntry, b: OptimizerEntry) -> Bool { a.name == b.name }
  public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// Every optimizer known by name: Descent's own, then those registered by the program.
public enum OptimizerCatalog {
  private static let registered = Locked([OptimizerEntry]())

  public static var entries: [OptimizerEntry] { builtIn + registered.withLock { $0 } }

  public static func entry(named name: String) -> OptimizerEntry? { entries.first { $0.name == name } }

  /// Adds `entry` after the built-in ones (a user's optimizer in `compare`'s study); a name
  /// already taken is refused.
  public static func register(_ entry: OptimizerEntry) {
    if self.entry(named: entry.name) != nil { fatalError("OptimizerCatalog.register: '\(entry.name)' is already an optimizer's name") }
    registered.withLock { $0.append(entry) }
  }

  /// The seed's study first (SGD at lr_find's valley, the custom steppers, Adam), then fastai's
  /// other optimizers and the newer ones at their references' defaults. The seed's two SGD
  /// runs train with `moms=(0, 0, 0)`; its custom chains have no weight-decay stepper, so `wd`
  /// does not reach them.
  public static let builtIn: [OptimizerEntry] = [
    OptimizerEntry("sgd", title: "SGD", lr: nil, oneCycleMoms: (0, 0, 0)) { SGD($0, lr: 1e-3, wd: $1 ?? 0) },
    OptimizerEntry("sgd-custom", title: "SGD (custom stepper)", lr: 1.5e-2, oneCycleMoms: (0, 0, 0)) { groups, _ in
      Optimizer(groups, steppers: SeedSteppers.sgdFused, defaults: ["lr": 1e-3])
    },
    OptimizerEntry("momentum", title: "SGD + damped momentum (custom steppers)", lr: 3e-2) { groups, _ in
      Optimizer(groups, steppers: SeedSteppers.momentumFused, defaults: ["lr": 1e-3, "mom": 0.9])
    },
    // Reads p, g, v and writes p, v.
    OptimizerEntry("rmsprop", title: "RMSProp (custom steppers)", lr: 3e-3, stepBytes: 20) { groups, _ in
      Optimizer(groups, steppers: SeedSteppers.rmsPropFused, defaults: ["lr": 1e-3, "square_mom": 0.99, "eps": 1e-8])
    },
    // Reads p, g, m, v and writes p, m, v.
    OptimizerEntry("adam", title: "Adam", lr: 3e-3, stepBytes: 28) { Adam($0, lr: 1e-3, wd: $1 ?? 0.01) },
    OptimizerEntry("radam", title: "RAdam", lr: 3e-3) { RAdam($0, lr: 1e-3, wd: $1 ?? 0) },
    OptimizerEntry("qhadam", title: "QHAdam", lr: 3e-3) { QHAdam($0, lr: 1e-3, wd: $1 ?? 0) },
    OptimizerEntry("lamb", title: "LAMB", lr: 1e-2, stepBytes: 28) { Lamb($0, lr: 1e-3, wd: $1 ?? 0) },
    OptimizerEntry("larc", title: "LARC", lr: 1e-2) { Larc($0, lr: 1e-3, wd: $1 ?? 0) },
    OptimizerEntry("ranger", title: "ranger", lr: 3e-3) { Ranger($0, lr: 1e-3, wd: $1 ?? 0.01) },
    // lion-pytorch's lr; reads p, g, m and writes p, m.
    OptimizerEntry("lion", title: "Lion", lr: 1e-4, stepBytes: 20) { Lion($0, lr: 1e-4, wd: $1 ?? 0) },
    // pytorch-optimizer's lr; Adam's bytes.
    OptimizerEntry("adopt", title: "ADOPT", lr: 1e-3, stepBytes: 28) { ADOPT($0, lr: 1e-3, wd: $1 ?? 0) },
    // A slow average more than Adam.
    OptimizerEntry("ademamix", title: "AdEMAMix", lr: 1e-3, stepBytes: 36) { AdEMAMix($0, lr: 1e-3, wd: $1 ?? 0) },
    // The paper keeps its base optimizer's lr. Adam's pass also writes the held-back update; a
    // second reads p and it and writes p.
    OptimizerEntry("cautious-adam", title: "Cautious Adam", lr: 3e-3, stepBytes: 44) { CautiousAdam($0, lr: 1e-3, wd: $1 ?? 0.01) },
    OptimizerEntry("cautious-lion", title: "Cautious Lion", lr: 1e-4) { CautiousLion($0, lr: 1e-4, wd: $1 ?? 0) },
    // schedulefree's defaults; p, g, z, v in and p, z, v out.
    OptimizerEntry("sf-adamw", title: "Schedule-Free AdamW", lr: 2.5e-3, scheduleFree: true, stepBytes: 28) {
      ScheduleFreeAdamW($0, lr: 2.5e-3, wd: $1 ?? 0)
    },
    OptimizerEntry("sf-sgd", title: "Schedule-Free SGD", lr: 1, scheduleFree: true) { ScheduleFreeSGD($0, lr: 1, wd: $1 ?? 0) },
    // prodigyopt's lr, a multiplier of the estimated step. Its first stage reads p, g, p0, m, v,
    // s and writes p, m, v, s; its last reads p, m, v and writes p.
    OptimizerEntry("prodigy", title: "Prodigy", lr: 1, stepBytes: 56) { Prodigy($0, lr: 1, wd: $1 ?? 0) },
    // torch.optim.Adafactor's lr, the cap on its relative step. On ResNet-34: p and g in and
    // the update out, then p and the update in and p out, and its row and column averages (2
    // floats read and written per 3 elements of a 3×3 kernel).
    OptimizerEntry("adafactor", title: "Adafactor", lr: 1e-2, stepBytes: 29) { Adafactor($0, lr: 1e-2, wd: $1 ?? 0) },
    // Moonlight's lr, shared by Muon and AdamW (torch.optim.Muon's default too).
    OptimizerEntry("muon", title: "Muon (+AdamW for stem, head, norms, biases)", lr: 1e-3) { Muon($0, lr: 1e-3, wd: $1 ?? 0.1) },
  ]
}
