import Foundation

/// Tick positions and labels for an axis: "nice" steps (1, 2, 5 × 10ⁿ) on a linear axis,
/// powers of ten on a log axis.
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

  /// Powers of ten within [lo, hi] given as log10 values (every `stride`-th one if crowded).
  static func log(_ lo: Double, _ hi: Double, maxTicks: Int = 10) -> [(value: Double, label: String)] {
    let first = Int(ceil(lo - 1e-9)), last = Int(floor(hi + 1e-9))
    guard first <= last else { return [] }
    let stride = max(1, (last - first + maxTicks) / maxTicks)
    return Swift.stride(from: first, through: last, by: stride).map { (Double($0), "1e\($0)") }
  }

  /// A label with as many decimals as the step needs.
  static func label(_ v: Double, step: Double) -> String {
    if v != 0 && (abs(v) >= 1e5 || abs(v) < 1e-3) { return String(format: "%.0e", v) }
    let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
    return String(format: "%.\(decimals)f", v)
  }
}
