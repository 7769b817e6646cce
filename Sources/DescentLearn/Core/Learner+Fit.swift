import DescentOptim

/// fastai's scheduled fits: each builds its schedules from the optimizer's per-group learning
/// rates and runs `fit` with a `ParamScheduler`.
extension Learner {
  /// 1cycle (fastai's `fit_one_cycle`): lr warms up by cosine from lrMax/div to lrMax over
  /// `pctStart` of the run and anneals to lrMax/divFinal; momentum goes the other way through
  /// `moms`. `startEpoch` (and `startBatch`) resumes a run there with the schedule where it was.
  public func fitOneCycle(_ epochs: Int, lrMax: HyperSetting? = nil, div: Double = 25, divFinal: Double = 1e5,
                          pctStart: Double = 0.25, wd: Double? = nil, moms: (Double, Double, Double)? = nil,
                          callbacks extra: [Callback] = [], resetOptimizer: Bool = false, startEpoch: Int = 0, startBatch: Int = 0) throws {
    let peaks = groupLRs(lrMax)
    let schedules = FitSchedules.oneCycle(lrMax: peaks, div: div, divFinal: divFinal, pctStart: pctStart, moms: moms ?? self.moms)
    try fit(epochs, wd: wd, callbacks: [ParamScheduler(schedules)] + extra, resetOptimizer: resetOptimizer, startEpoch: startEpoch, startBatch: startBatch)
  }

  /// Flat at `lr` for `pctStart` of the run, then cosine annealing to lr/divFinal (fastai's
  /// `fit_flat_cos`, whose `start_epoch` is ignored there but honoured here).
  public func fitFlatCos(_ epochs: Int, lr: HyperSetting? = nil, divFinal: Double = 1e5, pctStart: Double = 0.75,
                         wd: Double? = nil, callbacks extra: [Callback] = [], resetOptimizer: Bool = false,
                         startEpoch: Int = 0, startBatch: Int = 0) throws {
    let schedules = FitSchedules.flatCos(lr: groupLRs(lr), divFinal: divFinal, pctStart: pctStart)
    try fit(epochs, wd: wd, callbacks: [ParamScheduler(schedules)] + extra, resetOptimizer: resetOptimizer, startEpoch: startEpoch, startBatch: startBatch)
  }

  /// `cycles` cosine cycles from lrMax to 0 with warm restarts, the first `cycleLen` epochs
  /// long and each next `cycleMult` times longer (fastai's `fit_sgdr`).
  public func fitSGDR(cycles: Int, cycleLen: Int, lrMax: HyperSetting? = nil, cycleMult: Int = 2, wd: Double? = nil,
                      callbacks extra: [Callback] = [], resetOptimizer: Bool = false, startEpoch: Int = 0, startBatch: Int = 0) throws {
    let epochs = FitSchedules.sgdrEpochs(cycles: cycles, cycleLen: cycleLen, cycleMult: cycleMult)
    let schedules = FitSchedules.sgdr(lrMax: groupLRs(lrMax), cycles: cycles, cycleLen: cycleLen, cycleMult: cycleMult)
    try fit(epochs, wd: wd, callbacks: [ParamScheduler(schedules)] + extra, resetOptimizer: resetOptimizer, startEpoch: startEpoch, startBatch: startBatch)
  }

  /// Transfer learning (fastai's `fine_tune`): `freezeEpochs` of one-cycle on the head alone,
  /// then `epochs` on everything with discriminative rates from baseLR/2/lrMult to baseLR/2.
  public func fineTune(_ epochs: Int, baseLR: Double = 2e-3, freezeEpochs: Int = 1, lrMult: Double = 100,
                       pctStart: Double = 0.3, div: Double = 5, wd: Double? = nil, callbacks extra: [Callback] = []) throws {
    freeze()
    try fitOneCycle(freezeEpochs, lrMax: .upTo(baseLR), pctStart: 0.99, wd: wd, callbacks: extra)
    let half = baseLR / 2
    unfreeze()
    try fitOneCycle(epochs, lrMax: .range(half / lrMult, half), div: div, pctStart: pctStart, wd: wd,
                    callbacks: extra)
  }

  /// Sets lr on the optimizer (creating it if needed) and reads back one value per group.
  private func groupLRs(_ setting: HyperSetting?) -> [Double] {
    opt.setScheduledHyper("lr", setting ?? lr)
    return opt.hypers.map { Double($0["lr"] ?? 0) }
  }
}
