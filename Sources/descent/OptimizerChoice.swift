import DescentOptim
import DescentTensor

/// The optimizers `descent train`, `lr-find` and `compare` know by name: fastai's built-ins with
/// their defaults, and the seed's custom-stepper versions of SGD, momentum and RMSProp (the
/// fused stepper chains of `SeedSteppers`, written as a library user would).
enum OptimizerChoice: String, CaseIterable {
  case sgd, sgdCustom = "sgd-custom", momentum, rmsprop, adam, radam, qhadam, lamb, larc, ranger, lion, adopt, ademamix
  case cautiousAdam = "cautious-adam", cautiousLion = "cautious-lion", sfAdamW = "sf-adamw", sfSGD = "sf-sgd"
  case prodigy, adafactor
  case muon

  /// The study's learning rates (`--lr` default); nil means the finder's valley.
  var defaultLR: Double? {
    switch self {
    case .sgd: return nil
    case .sgdCustom: return 1.5e-2
    case .momentum: return 3e-2
    case .rmsprop, .adam: return 3e-3
    case .radam, .qhadam, .ranger: return 3e-3
    case .lamb, .larc: return 1e-2
    case .lion: return 1e-4  // lion-pytorch's default
    case .cautiousAdam: return 3e-3  // the paper keeps its base optimizer's lr
    case .cautiousLion: return 1e-4
    case .sfAdamW: return 2.5e-3  // schedulefree's defaults
    case .sfSGD: return 1
    case .adafactor: return 1e-2  // torch.optim.Adafactor's: the cap on its relative step
    case .prodigy: return 1  // prodigyopt's: a multiplier of the estimated step, not a step size
    case .adopt, .ademamix: return 1e-3  // pytorch-optimizer's default
    case .muon: return 1e-3  // Moonlight's, shared by Muon and AdamW (torch.optim.Muon's default too)
    }
  }

  /// Every name with its default lr, for `--help`: "sgd (lr_find's valley), sgd-custom (1.5e-2), …".
  static var namesWithLR: String {
    allCases.map { c in "\(c.rawValue) (\(c.defaultLR.map { String(format: "%.1e", $0).replacingOccurrences(of: ".0e", with: "e").replacingOccurrences(of: "e-0", with: "e-") } ?? "lr_find's valley"))" }
      .joined(separator: ", ")
  }

  /// Schedule-free optimizers train at a constant lr (`fit`) with `ScheduleFreeCallback`: a
  /// warm-up over the first 5% of steps, as the paper's experiments, and validation at x.
  var isScheduleFree: Bool { self == .sfAdamW || self == .sfSGD }

  /// fit_one_cycle's `moms`: the seed trains its two SGD runs with `moms=(0, 0, 0)`; the others
  /// keep fastai's default (0.95, 0.85, 0.95), which drives the momentum run's `mom`.
  var oneCycleMoms: (Double, Double, Double)? {
    switch self {
    case .sgd, .sgdCustom: return (0, 0, 0)
    default: return nil
    }
  }

  var title: String {
    switch self {
    case .sgd: return "SGD"
    case .sgdCustom: return "SGD (custom stepper)"
    case .momentum: return "SGD + damped momentum (custom steppers)"
    case .rmsprop: return "RMSProp (custom steppers)"
    case .adam: return "Adam"
    case .radam: return "RAdam"
    case .qhadam: return "QHAdam"
    case .lamb: return "LAMB"
    case .larc: return "LARC"
    case .ranger: return "ranger"
    case .lion: return "Lion"
    case .adopt: return "ADOPT"
    case .ademamix: return "AdEMAMix"
    case .cautiousAdam: return "Cautious Adam"
    case .cautiousLion: return "Cautious Lion"
    case .sfAdamW: return "Schedule-Free AdamW"
    case .sfSGD: return "Schedule-Free SGD"
    case .prodigy: return "Prodigy"
    case .adafactor: return "Adafactor"
    case .muon: return "Muon (+AdamW for stem, head, norms, biases)"
    }
  }

  /// A factory over parameter groups. `wd` nil keeps each optimizer's fastai default; the
  /// seed's custom chains have no weight-decay stepper, so `wd` does not reach them.
  func factory(wd: Double?) -> ([[Tensor]]) -> Optimizer {
    switch self {
    case .sgd: return { SGD($0, lr: 1e-3, wd: wd ?? 0) }
    case .sgdCustom:
      return { Optimizer($0, steppers: SeedSteppers.sgdFused, defaults: ["lr": 1e-3]) }
    case .momentum:
      return { Optimizer($0, steppers: SeedSteppers.momentumFused, defaults: ["lr": 1e-3, "mom": 0.9]) }
    case .rmsprop:
      return { Optimizer($0, steppers: SeedSteppers.rmsPropFused, defaults: ["lr": 1e-3, "square_mom": 0.99, "eps": 1e-8]) }
    case .adam: return { Adam($0, lr: 1e-3, wd: wd ?? 0.01) }
    case .radam: return { RAdam($0, lr: 1e-3, wd: wd ?? 0) }
    case .qhadam: return { QHAdam($0, lr: 1e-3, wd: wd ?? 0) }
    case .lamb: return { Lamb($0, lr: 1e-3, wd: wd ?? 0) }
    case .larc: return { Larc($0, lr: 1e-3, wd: wd ?? 0) }
    case .ranger: return { Ranger($0, lr: 1e-3, wd: wd ?? 0.01) }
    case .lion: return { Lion($0, lr: 1e-4, wd: wd ?? 0) }
    case .adopt: return { ADOPT($0, lr: 1e-3, wd: wd ?? 0) }
    case .ademamix: return { AdEMAMix($0, lr: 1e-3, wd: wd ?? 0) }
    case .cautiousAdam: return { CautiousAdam($0, lr: 1e-3, wd: wd ?? 0.01) }
    case .cautiousLion: return { CautiousLion($0, lr: 1e-4, wd: wd ?? 0) }
    case .sfAdamW: return { ScheduleFreeAdamW($0, lr: 2.5e-3, wd: wd ?? 0) }
    case .sfSGD: return { ScheduleFreeSGD($0, lr: 1, wd: wd ?? 0) }
    case .prodigy: return { Prodigy($0, lr: 1, wd: wd ?? 0) }
    case .adafactor: return { Adafactor($0, lr: 1e-2, wd: wd ?? 0) }
    case .muon: return { Muon($0, lr: 1e-3, wd: wd ?? 0.1) }
    }
  }
}
