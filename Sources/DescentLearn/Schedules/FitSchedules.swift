/// The schedules that `fitOneCycle`, `fitFlatCos` and `fitSGDR` install, one schedule per
/// parameter group for lr (each group has its own peak) and one for all groups for mom.
/// Kept apart from the Learner so that they can be checked (and plotted) without training.
public enum FitSchedules {
  /// 1cycle: lr rises by cosine from lrMax/div to lrMax over `pctStart`, then falls to
  /// lrMax/divFinal; momentum moves the opposite way through `moms`.
  public static func oneCycle(lrMax: [Double], div: Double = 25, divFinal: Double = 1e5, pctStart: Double = 0.25,
                              moms: (Double, Double, Double) = (0.95, 0.85, 0.95)) -> [String: [Schedule]] {
    [
      "lr": lrMax.map { Schedule.combinedCosine(pctStart, $0 / div, $0, $0 / divFinal) },
      "mom": [Schedule.combinedCosine(pctStart, moms.0, moms.1, moms.2)],
    ]
  }

  /// Flat at `lr` for `pctStart` of training, then cosine down to lr/divFinal.
  public static func flatCos(lr: [Double], divFinal: Double = 1e5, pctStart: Double = 0.75) -> [String: [Schedule]] {
    ["lr": lr.map { Schedule.combinedCosine(pctStart, $0, $0, $0 / divFinal) }]
  }

  /// The number of epochs of `cycles` SGDR cycles, the first `cycleLen` long and each next one
  /// `cycleMult` times longer.
  public static func sgdrEpochs(cycles: Int, cycleLen: Int, cycleMult: Int = 2) -> Int {
    precondition(cycles >= 1 && cycleLen >= 1 && cycleMult >= 1, "SGDR: cycles, cycle length and multiplier must be at least 1")
    // fastai's closed form divides by cycleMult − 1; a multiplier of 1 is plain repetition.
    if cycleMult == 1 { return cycles * cycleLen }
    var mult = 1
    for _ in 0..<cycles { mult *= cycleMult }
    return cycleLen * (mult - 1) / (cycleMult - 1)
  }

  /// SGDR: `cycles` cosine descents from lrMax to 0, each restart `cycleMult` times longer.
  public static func sgdr(lrMax: [Double], cycles: Int, cycleLen: Int, cycleMult: Int = 2) -> [String: [Schedule]] {
    let epochs = Double(sgdrEpochs(cycles: cycles, cycleLen: cycleLen, cycleMult: cycleMult))
    var pcts: [Double] = []
    var len = Double(cycleLen)
    for _ in 0..<cycles {
      pcts.append(len / epochs)
      len *= Double(cycleMult)
    }
    return ["lr": lrMax.map { lr in Schedule.combined(pcts, pcts.map { _ in Schedule.cosine(lr, 0) }) }]
  }
}
