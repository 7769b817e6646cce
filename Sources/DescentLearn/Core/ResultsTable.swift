import Foundation

/// One cell of the results table: the epoch, a number, or a time.
public enum LogValue: Equatable, Sendable, Codable {
  case integer(Int)
  case number(Double)
  case text(String)
  /// A metric with nothing accumulated (validation cancelled …).
  case missing

  /// As the table shows it: numbers to 6 decimals.
  public var tableText: String {
    switch self {
    case .integer(let i): return String(i)
    case .number(let d): return formatFixed(d, decimals: 6)
    case .text(let s): return s
    case .missing: return "None"
    }
  }

  /// As the CSV file has it: numbers in full (Python's `str(float)` gives the same digits).
  public var csvText: String {
    switch self {
    case .integer(let i): return String(i)
    case .number(let d): return d.isNaN ? "nan" : d.isInfinite ? (d > 0 ? "inf" : "-inf") : String(d)
    case .text(let s): return s
    case .missing: return "None"
    }
  }
}

/// fastprogress's console table, which fastai prints: names padded to 8 characters and joined
/// by two spaces; each value then padded to its column's width plus two.
public struct ResultsTable: Sendable {
  public let names: [String]
  private let padded: [String]

  public init(names: [String]) {
    self.names = names
    padded = names.map { $0.count < 8 ? $0 + String(repeating: " ", count: 8 - $0.count) : $0 }
  }

  public var header: String { padded.joined(separator: "  ") }

  public func row(_ values: [LogValue]) -> String {
    var line = ""
    for (value, name) in zip(values, padded) {
      let text = value.tableText
      line += text + String(repeating: " ", count: max(0, 2 + name.count - text.count))
    }
    return line
  }
}

/// fastprogress's `format_time`: mm:ss, or h:mm:ss from an hour on.
public func formatTime(_ seconds: Double) -> String {
  let t = Int(seconds)
  let h = t / 3600, m = (t / 60) % 60, s = t % 60
  func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
  return h != 0 ? "\(h):\(two(m)):\(two(s))" : "\(two(m)):\(two(s))"
}

/// `d` with exactly `decimals` digits after the point, as Python's `f'{d:.6f}'`.
func formatFixed(_ d: Double, decimals: Int) -> String {
  if d.isNaN { return "nan" }
  if d.isInfinite { return d > 0 ? "inf" : "-inf" }
  return String(format: "%.\(decimals)f", d)
}
