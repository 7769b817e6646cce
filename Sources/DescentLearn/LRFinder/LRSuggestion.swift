import Foundation

/// A learning rate suggested from an LR-finder curve, and the point to mark on its plot.
public struct LRSuggestion: Sendable, Equatable {
  /// The suggested learning rate.
  public var lr: Double
  /// Where to mark it on the plot: (learning rate, loss).
  public var point: (lr: Double, loss: Double)

  public init(lr: Double, point: (lr: Double, loss: Double)) {
    self.lr = lr
    self.point = point
  }

  public static func == (a: LRSuggestion, b: LRSuggestion) -> Bool {
    a.lr == b.lr && a.point.lr == b.point.lr && a.point.loss == b.point.loss
  }
}

/// fastai's suggestion rules (`valley`, `slide`, `minimum`, `steep`). They compute in Float,
/// as fastai's run on float32 tensors, so that ties and comparisons come out the same.
public enum SuggestionMethod: String, Sendable, CaseIterable {
  case valley, slide, minimum, steep

  /// The suggestion for an already trimmed curve (see `LRFinderCurve.trimmed`), or nil when the
  /// curve is too short for the rule (where fastai would fail on an index).
  public func suggest(lrs: [Float], losses: [Float]) -> LRSuggestion? {
    precondition(lrs.count == losses.count, "suggestion: \(lrs.count) learning rates for \(losses.count) losses")
    guard !lrs.isEmpty else { return nil }
    switch self {
    case .valley: return Self.valley(lrs, losses)
    case .slide: return Self.slide(lrs, losses)
    case .minimum: return Self.minimum(lrs, losses)
    case .steep: return Self.steep(lrs, losses)
    }
  }

  /// The middle of the longest run of decreasing losses (a longest decreasing subsequence),
  /// a little past its first third. The end of the run is updated inside the inner loop, as
  /// fastai does; that detail changes which run wins, so it is kept.
  static func valley(_ lrs: [Float], _ losses: [Float]) -> LRSuggestion {
    let n = losses.count
    var lds = [Int](repeating: 1, count: n)
    var maxStart = 0, maxEnd = 0
    for i in 1..<max(n, 1) {
      for j in 0..<i {
        if losses[i] < losses[j] && lds[i] < lds[j] + 1 { lds[i] = lds[j] + 1 }
        if lds[maxEnd] < lds[i] {
          maxEnd = i
          maxStart = maxEnd - lds[maxEnd]
        }
      }
    }
    let sections = Double(maxEnd - maxStart) / 3
    var idx = maxStart + Int(sections) + Int(sections / 2)
    // A run falling from the first point starts at -1; on a two-point curve the index stays
    // there, and Python's lrs[-1] is the last point.
    if idx < 0 { idx += n }
    return LRSuggestion(lr: Double(lrs[idx]), point: (Double(lrs[idx]), Double(losses[idx])))
  }

  /// Walks left from the end with a window of `lrDiff` points until the loss gradient at both
  /// ends of the window agrees within `thresh`: the left end is the suggestion.
  static func slide(_ lrs: [Float], _ losses: [Float], lrDiff: Int = 15, thresh: Double = 0.005,
                    adjustValue: Double = 1) -> LRSuggestion? {
    let n = losses.count
    guard n > lrDiff, n >= 2 else { return nil }
    let grad = gradient(losses)
    var r = n - 1, l = r - lrDiff
    var localMin = lrs[l]
    while l >= 0 && Double(abs(grad[r] - grad[l])) > thresh {
      localMin = lrs[l]
      r -= 1
      l -= 1
    }
    let suggestion = Double(localMin) * adjustValue
    let loss = interpolate(log10(suggestion), xs: lrs.map { Double(log10($0)) }, ys: losses.map(Double.init))
    return LRSuggestion(lr: suggestion, point: (suggestion, loss))
  }

  /// A tenth of the learning rate at the lowest loss.
  static func minimum(_ lrs: [Float], _ losses: [Float]) -> LRSuggestion {
    let i = argmin(losses)
    let lrMin = Double(lrs[i])
    return LRSuggestion(lr: lrMin / 10, point: (lrMin, Double(losses[closest(lrs, to: lrs[i])])))
  }

  /// Where the loss falls fastest per unit of log learning rate.
  static func steep(_ lrs: [Float], _ losses: [Float]) -> LRSuggestion? {
    guard lrs.count >= 2 else { return nil }
    let slopes = (0..<(lrs.count - 1)).map { i in (losses[i + 1] - losses[i]) / (logf(lrs[i + 1]) - logf(lrs[i])) }
    let lr = lrs[argmin(slopes)]
    return LRSuggestion(lr: Double(lr), point: (Double(lr), Double(losses[closest(lrs, to: lr)])))
  }

  /// numpy's `gradient` with unit spacing: one-sided at the ends, centred inside.
  static func gradient(_ y: [Float]) -> [Float] {
    let n = y.count
    var g = [Float](repeating: 0, count: n)
    g[0] = y[1] - y[0]
    g[n - 1] = y[n - 1] - y[n - 2]
    for i in 1..<(n - 1) where n > 2 { g[i] = (y[i + 1] - y[i - 1]) / 2 }
    return g
  }

  /// numpy's `interp`: linear between the points, clamped to the end values outside them.
  static func interpolate(_ x: Double, xs: [Double], ys: [Double]) -> Double {
    if x <= xs[0] { return ys[0] }
    if x >= xs[xs.count - 1] { return ys[ys.count - 1] }
    var i = 0
    while !(xs[i] <= x && x < xs[i + 1]) { i += 1 }
    let t = (x - xs[i]) / (xs[i + 1] - xs[i])
    return ys[i] + t * (ys[i + 1] - ys[i])
  }

  /// Index of the first smallest value (torch's argmin).
  static func argmin(_ v: [Float]) -> Int {
    var best = 0
    for i in v.indices where v[i] < v[best] { best = i }
    return best
  }

  /// Index of the first learning rate nearest to `lr`.
  static func closest(_ lrs: [Float], to lr: Float) -> Int {
    var best = 0
    for i in lrs.indices where abs(lrs[i] - lr) < abs(lrs[best] - lr) { best = i }
    return best
  }
}

/// The curve an LR-finder run recorded, trimmed as fastai's `lr_find` trims it before
/// suggesting: the first `numIt / 10` points (noisy start) and the last 5 (the blow-up that
/// stopped the run) dropped, and everything from the first NaN on.
public enum LRFinderCurve {
  public static func trimmed(lrs: [Double], losses: [Double], numIt: Int) -> (lrs: [Float], losses: [Float]) {
    precondition(lrs.count == losses.count, "LR finder curve: \(lrs.count) learning rates for \(losses.count) losses")
    let start = numIt / 10, end = losses.count - 5
    guard start < end else { return ([], []) }
    var l = lrs[start..<end].map { Float($0) }
    var v = losses[start..<end].map { Float($0) }
    if let nan = v.firstIndex(where: { $0.isNaN }) {
      l.removeSubrange(nan...)
      v.removeSubrange(nan...)
    }
    return (l, v)
  }
}
