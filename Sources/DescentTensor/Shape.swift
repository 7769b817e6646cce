/// Helpers over shapes ([Int], outermost dimension first, row-major).
public enum Shape {
  @inlinable public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

  /// Row-major strides, in elements.
  public static func strides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[i] = s
      s *= shape[i]
    }
    return strides
  }

  /// NumPy/PyTorch broadcasting: dimensions aligned from the right, each equal or 1.
  public static func broadcast(_ a: [Int], _ b: [Int], op: String) -> [Int] {
    let rank = Swift.max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      precondition(da == db || da == 1 || db == 1, "\(op): shapes \(a) and \(b) cannot be broadcast together")
      out[i] = da == 1 ? db : da
    }
    return out
  }

  /// An axis that may be negative (counted from the end), checked against the rank.
  public static func axis(_ axis: Int, rank: Int, op: String) -> Int {
    let a = axis < 0 ? axis + rank : axis
    precondition(a >= 0 && a < rank, "\(op): axis \(axis) is out of range for a tensor of rank \(rank)")
    return a
  }
}
