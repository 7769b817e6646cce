/// bfloat16 as stored: the upper 16 bits of a Float32. Rounding is to nearest, ties to even,
/// as oneDNN, PyTorch and the CPU's `vcvtneps2bf16` round; every NaN becomes 0x7FC0, as in PyTorch.
public enum BFloat16 {
  @inlinable @inline(__always)
  public static func bits(_ value: Float) -> UInt16 {
    let b = value.bitPattern
    if value.isNaN { return 0x7FC0 }
    return UInt16(truncatingIfNeeded: (b &+ 0x7FFF &+ ((b >> 16) & 1)) >> 16)
  }

  @inlinable @inline(__always)
  public static func float(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

  /// `value` rounded to the nearest bfloat16, as a Float.
  @inlinable @inline(__always)
  public static func rounded(_ value: Float) -> Float { float(bits(value)) }
}
