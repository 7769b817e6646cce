/// What `lrFind` found: the recorded curve and the suggestions.
public struct LRFindResult: Sendable {
  /// Learning rate and smoothed loss of every batch of the sweep.
  public let lrs: [Double]
  public let losses: [Double]
  /// The suggestions, in the order the methods were asked for (a method whose rule does not
  /// apply to a too-short curve is left out).
  public let suggestions: [(method: SuggestionMethod, suggestion: LRSuggestion)]

  public subscript(_ method: SuggestionMethod) -> LRSuggestion? {
    suggestions.first { $0.method == method }?.suggestion
  }

  /// The first method's suggested learning rate (valley by default).
  public var suggested: Double? { suggestions.first?.suggestion.lr }
}

extension Learner {
  /// The learning-rate finder (fastai's `lr_find`): trains `numIt` batches with lr growing
  /// exponentially from `startLR` to `endLR`, stops once the smoothed loss passes 4× its best
  /// (when `stopDiv`), restores the model and optimizer, and suggests learning rates from the
  /// curve trimmed as fastai trims it. No table is printed and no CSV written meanwhile.
  public func lrFind(startLR: Double = 1e-7, endLR: Double = 10, numIt: Int = 100, stopDiv: Bool = true,
                     methods: [SuggestionMethod] = [.valley]) throws -> LRFindResult {
    guard data.train.count > 0 else { throw LearnerError.emptyData(which: "training") }
    let epochs = numIt / data.train.count + 1
    let finder = LRFinder(startLR: [startLR], endLR: [endLR], numIt: numIt, stopDiv: stopDiv)
    let savedLogger = logger, savedCSV = recorder.csvPath
    logger = nil
    recorder.csvPath = nil
    defer {
      logger = savedLogger
      recorder.csvPath = savedCSV
    }
    // Divergence is the point here, so the non-finite-loss guard stands aside.
    let guards = callbacks.filter { $0 is NonFiniteLossGuard }
    do {
      try without(guards) { try fit(epochs, callbacks: [finder]) }
    } catch {
      try? finder.restore(self)
      throw error
    }
    let curve = LRFinderCurve.trimmed(lrs: recorder.lrs, losses: recorder.losses, numIt: numIt)
    let found = methods.compactMap { m in m.suggest(lrs: curve.lrs, losses: curve.losses).map { (m, $0) } }
    return LRFindResult(lrs: recorder.lrs, losses: recorder.losses, suggestions: found)
  }
}
