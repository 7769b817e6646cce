/// How one element type of a storage is read from and written to raw memory as Float, one
/// value or a SIMD vector at a time. Kernels that handle float32 and bfloat16 storage alike are
/// generic over it; the compiler specializes each for both.
protocol StorageElement {
  /// Bytes per value.
  static var size: Int { get }
  static func load(_ p: UnsafeRawPointer, _ i: Int) -> Float
  static func store(_ v: Float, _ p: UnsafeMutableRawPointer, _ i: Int)
  static func load16(_ p: UnsafeRawPointer, _ i: Int) -> SIMD16<Float>
  static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutableRawPointer, _ i: Int)
  static func load8(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Float>
  static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutableRawPointer, _ i: Int)
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

/// bfloat16: widened by a shift, narrowed with `BFloat16`'s rounding (nearest, ties to even).
enum BFloat16Element: StorageElement {
  static var size: Int { 2 }
  @inline(__always) static func load(_ p: UnsafeRawPointer, _ i: Int) -> Float {
    BFloat16.float(p.assumingMemoryBound(to: UInt16.self)[i])
  }
  @inline(__always) static func store(_ v: Float, _ p: UnsafeMutableRawPointer, _ i: Int) {
    p.assumingMemoryBound(to: UInt16.self)[i] = BFloat16.bits(v)
  }
  @inline(__always) static func load16(_ p: UnsafeRawPointer, _ i: Int) -> SIMD16<Float> {
    let half = (p + 2 * i).loadUnaligned(as: SIMD16<UInt16>.self)
    return unsafeBitCast(SIMD16<UInt32>(truncatingIfNeeded: half) &<< 16, to: SIMD16<Float>.self)
  }
  @inline(__always) static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutableRawPointer, _ i: Int) {
    let b = unsafeBitCast(v, to: SIMD16<UInt32>.self)
    var r = (b &+ 0x7FFF &+ ((b &>> 16) & 1)) &>> 16
    r.replace(with: 0x7FC0, where: v .!= v)
    (p + 2 * i).storeBytes(of: SIMD16<UInt16>(truncatingIfNeeded: r), as: SIMD16<UInt16>.self)
  }
  @inline(__always) static func load8(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Float> {
    let half = (p + 2 * i).loadUnaligned(as: SIMD8<UInt16>.self)
    return unsafeBitCast(SIMD8<UInt32>(truncatingIfNeeded: half) &<< 16, to: SIMD8<Float>.self)
  }
  @inline(__always) static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutableRawPointer, _ i: Int) {
    let b = unsafeBitCast(v, to: SIMD8<UInt32>.self)
    var r = (b &+ 0x7FFF &+ ((b &>> 16) & 1)) &>> 16
    r.replace(with: 0x7FC0, where: v .!= v)
    (p + 2 * i).storeBytes(of: SIMD8<UInt16>(truncatingIfNeeded: r), as: SIMD8<UInt16>.self)
  }
}
