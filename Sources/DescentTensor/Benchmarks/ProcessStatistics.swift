import Glibc

/// What the process itself has used, for benchmarks that report memory beside speed.
public enum ProcessStatistics {
  /// The most resident memory the process has held so far (Linux reports `ru_maxrss` in KiB),
  /// in megabytes (10⁶ bytes).
  public static func peakResidentMegabytes() -> Double {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
    return Double(usage.ru_maxrss) * 1024 / 1e6
  }
}
