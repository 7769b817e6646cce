/// How one element type of a storage is read from and written to raw memory as Float, one
/// value or a SIMD vector at a time. Kernels that handle float32 and bfloat16 storage alike are
/// generic over it; the compiler specializes each for both.
///
/// A vector load may put the values in its lanes in another order than memory's (bfloat16
/// does, see there); the matching store puts them back. Elementwise kernels never see it. A
/// kernel whose lanes mean something (batch norm's: one channel each) puts its per-channel
/// coefficients in lane order with `laneOrder` and its per-lane sums back with `channelOrder`.
protocol StorageElement {
  /// Bytes per value.
  static var size: Int { get }
  static func load(_ p: UnsafeRawPointer, _ i: Int) -> Float
  static func store(_ v: Float, _ p: UnsafeMutableRawPointer, _ i: Int)
  static func load16(_ p: UnsafeRawPointer, _ i: Int) -> SIMD16<Float>
  static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutableRawPointer, _ i: Int)
  static func load8(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Float>
  static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutableRawPointer, _ i: Int)
  /// Values in memory order → the lanes `load16` would put them in.
  static func laneOrder(_ v: SIMD16<Float>) -> SIMD16<Float>
  /// The inverse of `laneOrder`.
  static func channelOrder(_ v: SIMD16<Float>) -> SIMD16<Float>
  /// The values a store then a load would give (rounded to the element type), in the same lanes.
  static func roundTrip16(_ v: SIMD16<Float>) -> SIMD16<Float>
  static func roundTrip(_ v: Float) -> Float
}

extension StorageElement {
  @inline(__always) static func laneOrder(_ v: SIMD16<Float>) -> SIMD16<Float> { v }
  @inline(__always) static func channelOrder(_ v: SIMD16<Float>) -> SIMD16<Float> { v }
  @inline(__always) static func roundTrip16(_ v: SIMD16<Float>) -> SIMD16<Float> { v }
  @inline(__always) static func roundTrip(_ v: Float) -> Float { v }
}

enum Float32Element: StorageElement {
  static var size: Int { 4 }
  @inline(__always) static func load(_ p: UnsafeRawPointer, _ i: Int) -> Float {
    p.assumingMemoryBound(to: Float.self)[i]
  }
  @inline(__always) static func store(_ v: Float, _ p: UnsafeMutableRawPointer, _ i: Int) {
    p.assumingMemoryBound(to: Float.self)[i] = v
  }
  @inline(__always) static func load16(_ p: UnsafeRawPointer, _ i: Int) -> SIMD16<Float> {
    (p + 4 * i).loadUnaligned(as: SIMD16<Float>.self)
  }
  @inline(__always) static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutableRawPointer, _ i: Int) {
    (p + 4 * i).storeBytes(of: v, as: SIMD16<Float>.self)
  }
  @inline(__always) static func load8(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Float> {
    (p + 4 * i).loadUnaligned(as: SIMD8<Float>.self)
  }
  @inline(__always) static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutableRawPointer, _ i: Int) {
    (p + 4 * i).storeBytes(of: v, as: SIMD8<Float>.self)
  }
}

/// bfloat16, loaded as pairs: each 32-bit word of memory holds two values, and its even one
/// becomes a float by a shift, its odd one by a mask — one instruction for eight values, where
/// widening each 16-bit value to 32 bits in place would take a shuffle (and, written as a SIMD
/// conversion, compiles to a call per vector). A vector therefore holds the even-indexed values
/// in its lower half and the odd-indexed in its upper half. Stores round to nearest, ties to
/// even (NaN to 0x7FC0), as `BFloat16` does.
enum BFloat16Element: StorageElement {
  static var size: Int { 2 }

  @inline(__always) static func load(_ p: UnsafeRawPointer, _ i: Int) -> Float {
    BFloat16.float(p.assumingMemoryBound(to: UInt16.self)[i])
  }
  @inline(__always) static func store(_ v: Float, _ p: UnsafeMutableRawPointer, _ i: Int) {
    p.assumingMemoryBound(to: UInt16.self)[i] = BFloat16.bits(v)
  }
  @inline(__always) static func load16(_ p: UnsafeRawPointer, _ i: Int) -> SIMD16<Float> {
    let w = (p + 2 * i).loadUnaligned(as: SIMD8<UInt32>.self)
    return SIMD16(lowHalf: unsafeBitCast(w &<< 16, to: SIMD8<Float>.self), highHalf: unsafeBitCast(w & 0xFFFF_0000, to: SIMD8<Float>.self))
  }
  @inline(__always) static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutableRawPointer, _ i: Int) {
    (p + 2 * i).storeBytes(of: (rounded(v.lowHalf) &>> 16) | (rounded(v.highHalf) & 0xFFFF_0000), as: SIMD8<UInt32>.self)
  }
  @inline(__always) static func load8(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Float> {
    let w = (p + 2 * i).loadUnaligned(as: SIMD4<UInt32>.self)
    return SIMD8(lowHalf: unsafeBitCast(w &<< 16, to: SIMD4<Float>.self), highHalf: unsafeBitCast(w & 0xFFFF_0000, to: SIMD4<Float>.self))
  }
  @inline(__always) static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutableRawPointer, _ i: Int) {
    (p + 2 * i).storeBytes(of: (rounded(v.lowHalf) &>> 16) | (rounded(v.highHalf) & 0xFFFF_0000), as: SIMD4<UInt32>.self)
  }
  @inline(__always) static func laneOrder(_ v: SIMD16<Float>) -> SIMD16<Float> {
    SIMD16(lowHalf: v.evenHalf, highHalf: v.oddHalf)
  }
  @inline(__always) static func channelOrder(_ v: SIMD16<Float>) -> SIMD16<Float> {
    var r = SIMD16<Float>()
    r.evenHalf = v.lowHalf
    r.oddHalf = v.highHalf
    return r
  }

  @inline(__always) static func roundTrip16(_ v: SIMD16<Float>) -> SIMD16<Float> {
    SIMD16(
      lowHalf: unsafeBitCast(rounded(v.lowHalf) & 0xFFFF_0000, to: SIMD8<Float>.self),
      highHalf: unsafeBitCast(rounded(v.highHalf) & 0xFFFF_0000, to: SIMD8<Float>.self))
  }
  @inline(__always) static func roundTrip(_ v: Float) -> Float { BFloat16.float(BFloat16.bits(v)) }

  /// Each value's bfloat16 (nearest, ties to even; NaN 0x7FC0) in its upper 16 bits.
  @inline(__always) private static func rounded(_ v: SIMD8<Float>) -> SIMD8<UInt32> {
    let b = unsafeBitCast(v, to: SIMD8<UInt32>.self)
    var t = b &+ 0x7FFF &+ ((b &>> 16) & 1)
    t.replace(with: 0x7FC0_0000, where: v .!= v)
    return t
  }

  @inline(__always) private static func rounded(_ v: SIMD4<Float>) -> SIMD4<UInt32> {
    let b = unsafeBitCast(v, to: SIMD4<UInt32>.self)
    var t = b &+ 0x7FFF &+ ((b &>> 16) & 1)
    t.replace(with: 0x7FC0_0000, where: v .!= v)
    return t
  }
}
