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

  /// Page faults served without I/O so far (a first touch of freshly mapped memory is one).
  public static func minorPageFaults() -> Int {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
    return usage.ru_minflt
  }
}
