/// Hyper-parameters of one parameter group, by fastai's names (`lr`, `mom`, `sqr_mom`, `eps`,
/// `wd` …). Doubles, as fastai's are Python floats: `1 − mom`, bias corrections and
/// rectification terms are computed in Double and cast to Float once per parameter and step
/// (in Float, `1 − 0.999` alone is 1.3e-5 off).
public typealias Hypers = [String: Double]

/// How a hyper-parameter is set across parameter groups, as fastai's `set_hyper` accepts it.
public enum HyperSetting: Sendable, Equatable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
  /// The same value for every group.
  case all(Double)
  /// One value per group, in order.
  case perGroup([Double])
  /// Spread geometrically from `start` (first group) to `stop` (last group): fastai's
  /// `slice(start, stop)`.
  case range(Double, Double)
  /// `stop / 10` for every group but the last, which gets `stop`: fastai's `slice(stop)`.
  case upTo(Double)

  public init(floatLiteral value: Double) { self = .all(value) }
  public init(integerLiteral value: Int) { self = .all(Double(value)) }

  /// The value for each of `groups` groups.
  public func values(groups: Int, name: String) -> [Double] {
    switch self {
    case .all(let v):
      return [Double](repeating: v, count: groups)
    case .perGroup(let vs):
      precondition(vs.count == groups || vs.count == 1,
                   "hyper-parameter \(name): \(vs.count) values given for \(groups) parameter groups")
      return vs.count == 1 ? [Double](repeating: vs[0], count: groups) : vs
    case .range(let start, let stop):
      return evenMults(start, stop, groups)
    case .upTo(let stop):
      return [Double](repeating: stop / 10, count: groups - 1) + [stop]
    }
  }
}

/// `n` values from `start` to `stop` evenly spaced on a log scale (fastai's `even_mults`).
public func evenMults(_ start: Double, _ stop: Double, _ n: Int) -> [Double] {
  if n == 1 { return [stop] }
  let step = stop / start
  return (0..<n).map { i in start * Foundation.pow(step, Double(i) / Double(n - 1)) }
}

import Foundation
