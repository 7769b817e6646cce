import Foundation

/// A hyper-parameter as a function of training progress `pos` in [0, 1] (fastai's annealers
/// `SchedLin`, `SchedCos`, `SchedNo`, `SchedExp`, `SchedPoly`). Values are Doubles so that
/// schedules compose without Float rounding; the optimizer receives them as Float at the end.
public struct Schedule: Sendable {
  public let function: @Sendable (Double) -> Double

  public init(_ function: @escaping @Sendable (Double) -> Double) { self.function = function }

  public func callAsFunction(_ pos: Double) -> Double { function(pos) }

  /// start + pos·(end − start)
  public static func linear(_ start: Double, _ end: Double) -> Schedule {
    Schedule { pos in start + pos * (end - start) }
  }

  /// Half a cosine from `start` (pos 0) to `end` (pos 1).
  public static func cosine(_ start: Double, _ end: Double) -> Schedule {
    Schedule { pos in start + (1 + Foundation.cos(Double.pi * (1 - pos))) * (end - start) / 2 }
  }

  /// Always `start` (fastai's `SchedNo` keeps the unused `end` too; it is not needed here).
  public static func constant(_ start: Double) -> Schedule { Schedule { _ in start } }

  /// Geometric from `start` to `end`: start·(end/start)^pos, the LR finder's sweep.
  public static func exponential(_ start: Double, _ end: Double) -> Schedule {
    Schedule { pos in start * Foundation.pow(end / start, pos) }
  }

  /// start + (end − start)·pos^power.
  public static func polynomial(_ start: Double, _ end: Double, power: Double) -> Schedule {
    Schedule { pos in start + (end - start) * Foundation.pow(pos, power) }
  }

  /// `schedules` run one after the other, the i-th over a fraction `pcts[i]` of training
  /// (fastai's `combine_scheds`); each sees its own phase's progress from 0 to 1.
  public static func combined(_ pcts: [Double], _ schedules: [Schedule]) -> Schedule {
    precondition(pcts.count == schedules.count && !pcts.isEmpty,
                 "combined schedule: \(pcts.count) fractions for \(schedules.count) schedules")
    precondition(pcts.allSatisfy { $0 >= 0 }, "combined schedule: fractions must not be negative: \(pcts)")
    precondition(abs(pcts.reduce(0, +) - 1) < 1e-9, "combined schedule: fractions must add up to 1, not \(pcts.reduce(0, +))")
    // Phase boundaries 0, p0, p0+p1, …, 1.
    let bounds = pcts.reduce(into: [0.0]) { $0.append($0.last! + $1) }
    let lastPhase = pcts.count - 1
    return Schedule { pos in
      // The last boundary at or below pos, but never past the last phase (pos = 1 stays in it).
      var phase = 0
      for (i, b) in bounds.enumerated() where pos >= b { phase = i }
      phase = min(phase, lastPhase)
      let actual = (pos - bounds[phase]) / (bounds[phase + 1] - bounds[phase])
      return schedules[phase](actual)
    }
  }

  /// Cosine from `start` to `middle` over the first `pct` of training, then from `middle` to
  /// `end` (fastai's `combined_cos`, the shape of one-cycle's lr and momentum).
  public static func combinedCosine(_ pct: Double, _ start: Double, _ middle: Double, _ end: Double) -> Schedule {
    combined([pct, 1 - pct], [cosine(start, middle), cosine(middle, end)])
  }
}
