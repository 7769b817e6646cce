/// Hyper-parameters of one parameter group, by fastai's names (`lr`, `mom`, `sqr_mom`, `eps`,
/// `wd` …).
public typealias Hypers = [String: Float]

/// How a hyper-parameter is set across parameter groups, as fastai's `set_hyper` accepts it.
public enum HyperSetting: Sendable, Equatable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
  /// The same value for every group.
  case all(Float)
  /// One value per group, in order.
  case perGroup([Float])
  /// Spread geometrically from `start` (first group) to `stop` (last group): fastai's
  /// `slice(start, stop)`.
  case range(Float, Float)
  /// `stop / 10` for every group but the last, which gets `stop`: fastai's `slice(stop)`.
  case upTo(Float)

  public init(floatLiteral value: Double) { self = .all(Float(value)) }
  public init(integerLiteral value: Int) { self = .all(Float(value)) }

  /// The value for each of `groups` groups.
  public func values(groups: Int, name: String) -> [Float] {
    switch self {
    case .all(let v):
      return [Float](repeating: v, count: groups)
    case .perGroup(let vs):
      precondition(vs.count == groups || vs.count == 1,
                   "hyper-parameter \(name): \(vs.count) values given for \(groups) parameter groups")
      return vs.count == 1 ? [Float](repeating: vs[0], count: groups) : vs
    case .range(let start, let stop):
      return evenMults(start, stop, groups)
    case .upTo(let stop):
      return [Float](repeating: stop / 10, count: groups - 1) + [stop]
    }
  }
}

/// `n` values from `start` to `stop` evenly spaced on a log scale (fastai's `even_mults`).
public func evenMults(_ start: Float, _ stop: Float, _ n: Int) -> [Float] {
  if n == 1 { return [stop] }
  let step = Double(stop / start)
  return (0..<n).map { i in Float(Double(start) * Foundation.pow(step, Double(i) / Double(n - 1))) }
}

import Foundation
