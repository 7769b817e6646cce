import Foundation

/// Tick positions and labels for an axis: "nice" steps (1, 2, 5 × 10ⁿ) on a linear axis;
/// on a log axis, powers of ten, with 2 and 5 (or every digit) in each decade when the axis
/// spans few decades, so that it always has labelled ticks.
enum AxisTicks {
  /// About `target` ticks covering [lo, hi], with labels; whole numbers only when `integers`
  /// (an epoch axis has no tick at 0.5).
  static func linear(_ lo: Double, _ hi: Double, target: Int = 6, integers: Bool = false) -> [(value: Double, label: String)] {
    guard hi > lo, lo.isFinite, hi.isFinite else { return [(lo, label(lo, step: 1))] }
    let raw = Swift.max((hi - lo) / Double(max(target, 1)), integers ? 1 : 0)
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    var out: [(Double, String)] = []
    var v = ceil(lo / step) * step
    while v <= hi + step * 1e-9 {
      let snapped = abs(v) < step * 1e-9 ? 0 : v
      out.append((snapped, label(snapped, step: step)))
      v += step
    }
    return out
  }

  /// Ticks within [lo, hi] given as log10 values: powers of ten (every `stride`-th one if
  /// crowded); where that gives fewer than three, 1, 2 and 5 × 10ⁿ, then every digit × 10ⁿ.
  static func log(_ lo: Double, _ hi: Double, maxTicks: Int = 10) -> [(value: Double, label: String)] {
    guard lo.isFinite, hi.isFinite, hi >= lo else { return [] }
    let first = Int(floor(lo)), last = Int(ceil(hi))
    for digits in [[1.0], [1, 2, 5], Array(stride(from: 1.0, through: 9, by: 1))] {
      var ticks: [(value: Double, label: String)] = []
      for e in first...last {
        for d in digits {
          let v = log10(d) + Double(e)
          if v >= lo - 1e-9 && v <= hi + 1e-9 { ticks.append((v, d == 1 ? "1e\(e)" : "\(Int(d))e\(e)")) }
        }
      }
      if digits.count == 1 && ticks.count > maxTicks {
        let stride = (ticks.count + maxTicks - 1) / maxTicks
        return ticks.enumerated().filter { $0.offset % stride == 0 }.map(\.element)
      }
      if ticks.count >= 3 || digits.count == 9 { return Array(ticks.prefix(Swift.max(maxTicks, 2))) }
    }
    return []
  }

  /// A label with as many decimals as the step needs.
  static func label(_ v: Double, step: Double) -> String {
    if v != 0 && (abs(v) >= 1e5 || abs(v) < 1e-3) { return String(format: "%.0e", v) }
    let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
    return String(format: "%.\(decimals)f", v)
  }
}
