extension Array where Element == Double {
  /// The middle value (the mean of the two middle ones for an even count), as benchmarks report
  /// their timings; 0 for none.
  var median: Double {
    guard !isEmpty else { return 0 }
    let sorted = self.sorted(), middle = count / 2
    return count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}
