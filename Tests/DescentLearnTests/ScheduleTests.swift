import Testing
@testable import DescentLearn

@Suite struct ScheduleTests {
  /// fastai 2.8's fit_one_cycle with lr_max 1e-3 (div 25, div_final 1e5, pct_start 0.25,
  /// moms 0.95/0.85/0.95), read off its schedules at these positions.
  @Test func oneCycleMatchesFastai() {
    let s = FitSchedules.oneCycle(lrMax: [1e-3])
    let positions = [0, 0.125, 0.25, 0.5, 0.75, 1]
    let lrs = [4.0e-5, 5.2e-4, 1.0e-3, 7.500025e-4, 2.500075e-4, 1.0e-8]
    let moms = [0.95, 0.90, 0.85, 0.875, 0.925, 0.95]
    for (i, pos) in positions.enumerated() {
      #expect(abs(s["lr"]![0](pos) - lrs[i]) <= 1e-12 + 1e-9 * lrs[i], "lr at \(pos)")
      #expect(abs(s["mom"]![0](pos) - moms[i]) <= 1e-12, "mom at \(pos)")
    }
  }

  @Test func annealers() {
    #expect(Schedule.linear(1, 3)(0.25) == 1.5)
    #expect(abs(Schedule.cosine(1, 3)(0.5) - 2) < 1e-12)
    #expect(Schedule.constant(7)(0.9) == 7)
    #expect(abs(Schedule.exponential(1e-7, 10)(0.5) - 1e-3) < 1e-15)
    #expect(abs(Schedule.polynomial(1, 0, power: 2)(0.5) - 0.75) < 1e-12)
  }

  @Test func combinedPhases() {
    let s = Schedule.combined([0.3, 0.7], [.linear(0, 1), .linear(1, 0)])
    #expect(abs(s(0.15) - 0.5) < 1e-12)
    #expect(abs(s(0.3) - 1) < 1e-12)
    #expect(abs(s(1) - 0) < 1e-12)
  }

  @Test func flatCosAndSGDR() {
    let flat = FitSchedules.flatCos(lr: [0.1])["lr"]![0]
    #expect(flat(0.5) == 0.1)
    #expect(abs(flat(1) - 1e-6) < 1e-15)
    // 3 cycles of 1, 2 and 4 epochs: restarts at 1/7 and 3/7.
    #expect(FitSchedules.sgdrEpochs(cycles: 3, cycleLen: 1) == 7)
    let sgdr = FitSchedules.sgdr(lrMax: [0.1], cycles: 3, cycleLen: 1)["lr"]![0]
    #expect(abs(sgdr(0) - 0.1) < 1e-12)
    #expect(abs(sgdr(1.0 / 7) - 0.1) < 1e-12)
    #expect(abs(sgdr(3.0 / 7) - 0.1) < 1e-12)
    #expect(abs(sgdr(1)) < 1e-12)
  }
}
