import Foundation

/// The memory this machine has free now, as the kernel reckons it for a new allocation.
enum MachineMemory {
  /// `MemAvailable` from /proc/meminfo; nil where it cannot be read.
  static func availableBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
      let fields = line.split(separator: " ")
      if fields.count >= 2, let kib = Int(fields[1]) { return kib * 1024 }
    }
    return nil
  }
}
