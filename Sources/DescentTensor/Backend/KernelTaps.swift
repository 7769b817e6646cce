/// One output channel's 3-D slice of an OIHW kernel, [Cin, taps], laid out tap by tap,
/// [taps, Cin], and back: the small-map GEMM forms (`SmallMapConvolution`,
/// `Winograd2x2Convolution`) read and write a tap's input channels side by side, as a vector.
enum KernelTaps {
  /// byTap[slot · slotStride + ci] = w[ci · taps + used[slot]]: the taps in `used`, in its
  /// order (`slotStride` cin by default: the taps one after the other).
  static func gather(
    _ w: UnsafePointer<Float>, cin: Int, taps: Int, used: [Int], into byTap: UnsafeMutablePointer<Float>, slotStride: Int? = nil
  ) {
    for (slot, tap) in used.enumerated() {
      let target = byTap + slot * (slotStride ?? cin)
      for ci in 0..<cin { target[ci] = w[ci * taps + tap] }
    }
  }

  /// w[ci · taps + used[slot]] = byTap[slot · slotStride + ci], and 0 for the taps not in
  /// `used`.
  static func scatter(
    _ byTap: UnsafePointer<Float>, cin: Int, taps: Int, used: [Int], into w: UnsafeMutablePointer<Float>, slotStride: Int? = nil
  ) {
    if used.count < taps { w.update(repeating: 0, count: cin * taps) }
    for (slot, tap) in used.enumerated() {
      let source = byTap + slot * (slotStride ?? cin)
      for ci in 0..<cin { w[ci * taps + tap] = source[ci] }
    }
  }
}
