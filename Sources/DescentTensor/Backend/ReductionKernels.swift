/// Reductions over one axis of a contiguous tensor seen as [outer, length, inner]: each output
/// element out[o, i] combines in[o, 0..<length, i]. Multi-axis reductions apply this per axis.
public protocol ReductionKernel {
  static var identity: Float { get }
  static func combine(_ a: Float, _ b: Float) -> Float
  static func combine(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float>
  static func horizontal(_ v: SIMD8<Float>) -> Float
}

public enum SumReduction: ReductionKernel {
  public static var identity: Float { 0 }
  @inlinable public static func combine(_ a: Float, _ b: Float) -> Float { a + b }
  @inlinable public static func combine(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a + b }
  @inlinable public static func horizontal(_ v: SIMD8<Float>) -> Float { v.sum() }
}

public enum MaxReduction: ReductionKernel {
  public static var identity: Float { -.infinity }
  @inlinable public static func combine(_ a: Float, _ b: Float) -> Float { Swift.max(a, b) }
  @inlinable public static func combine(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { pointwiseMax(a, b) }
  @inlinable public static func horizontal(_ v: SIMD8<Float>) -> Float { v.max() }
}

public enum Reduction {
  @inlinable
  public static func reduce<K: ReductionKernel>(
    _: K.Type, _ src: UnsafePointer<Float>, outer: Int, length: Int, inner: Int, _ dst: UnsafeMutablePointer<Float>
  ) {
    let work = outer * length * inner
    let workers = Swift.max(1, Swift.min(Parallel.threads, work / Parallel.minimumParallelElements))
    // Split the outer rows across workers when there are enough of them, else the inner columns.
    let splitOuter = outer >= workers
    let parts = splitOuter ? outer : inner
    Parallel.forEach(workers) { w in
      let lo = parts * w / workers, hi = parts * (w + 1) / workers
      if splitOuter {
        for o in lo..<hi { reduceSlab(K.self, src + o * length * inner, length, inner, 0, inner, dst + o * inner) }
      } else {
        for o in 0..<outer { reduceSlab(K.self, src + o * length * inner, length, inner, lo, hi, dst + o * inner) }
      }
    }
  }

  /// out[i] for i in lo..<hi combines slab[r * inner + i] over r.
  @inlinable @inline(__always)
  static func reduceSlab<K: ReductionKernel>(
    _: K.Type, _ slab: UnsafePointer<Float>, _ length: Int, _ inner: Int, _ lo: Int, _ hi: Int, _ out: UnsafeMutablePointer<Float>
  ) {
    if inner == 1 {
      if lo >= hi { return }
      var acc = SIMD8<Float>(repeating: K.identity)
      var r = 0
      while r + 8 <= length {
        acc = K.combine(acc, UnsafeRawPointer(slab + r).loadUnaligned(as: SIMD8<Float>.self))
        r += 8
      }
      var total = K.horizontal(acc)
      while r < length { total = K.combine(total, slab[r]); r += 1 }
      out[0] = total
      return
    }
    var i = lo
    while i + 8 <= hi {
      var acc = SIMD8<Float>(repeating: K.identity)
      for r in 0..<length {
        acc = K.combine(acc, UnsafeRawPointer(slab + r * inner + i).loadUnaligned(as: SIMD8<Float>.self))
      }
      UnsafeMutableRawPointer(out + i).storeBytes(of: acc, as: SIMD8<Float>.self)
      i += 8
    }
    while i < hi {
      var acc = K.identity
      for r in 0..<length { acc = K.combine(acc, slab[r * inner + i]) }
      out[i] = acc
      i += 1
    }
  }

  /// Index of the first maximum along the axis, for each output position.
  public static func argmax(_ src: UnsafePointer<Float>, outer: Int, length: Int, inner: Int, _ dst: UnsafeMutablePointer<Int32>) {
    Parallel.forEach(Swift.min(outer, Parallel.threads)) { w in
      let workers = Swift.min(outer, Parallel.threads)
      for o in (outer * w / workers)..<(outer * (w + 1) / workers) {
        for i in 0..<inner {
          var best = src[o * length * inner + i], at: Int32 = 0
          for r in 1..<Swift.max(length, 1) {
            let v = src[(o * length + r) * inner + i]
            if v > best || (v.isNaN && !best.isNaN) { best = v; at = Int32(r) }
          }
          dst[o * inner + i] = at
        }
      }
    }
  }
}
