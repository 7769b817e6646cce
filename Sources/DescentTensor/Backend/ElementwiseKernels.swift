/// Elementwise maps in SIMD8 lanes over chunks on all cores. An op is a type whose static
/// functions the compiler specializes into the loop: no closure call per element.
public protocol UnaryKernel {
  static func scalar(_ x: Float) -> Float
  static func simd(_ x: SIMD8<Float>) -> SIMD8<Float>
}

extension UnaryKernel {
  /// Lane by lane, for functions without a SIMD form (exp, log, tanh …).
  @inlinable @inline(__always)
  public static func simd(_ x: SIMD8<Float>) -> SIMD8<Float> {
    var r = SIMD8<Float>()
    for i in 0..<8 { r[i] = scalar(x[i]) }
    return r
  }
}

public protocol BinaryKernel {
  static func scalar(_ a: Float, _ b: Float) -> Float
  static func simd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float>
}

public enum Elementwise {
  /// dst[i] = K(src[i]); dst may equal src.
  @inlinable
  public static func map<K: UnaryKernel>(_: K.Type, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
    Parallel.chunks(count) { start, end in
      var i = start
      while i + 8 <= end {
        let v = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(dst + i).storeBytes(of: K.simd(v), as: SIMD8<Float>.self)
        i += 8
      }
      while i < end {
        dst[i] = K.scalar(src[i])
        i += 1
      }
    }
  }

  /// out = K(a, b) with broadcasting; shapes as given, `outShape` their broadcast.
  @inlinable
  public static func map<K: BinaryKernel>(
    _: K.Type, _ a: UnsafePointer<Float>, _ aShape: [Int], _ b: UnsafePointer<Float>, _ bShape: [Int],
    _ out: UnsafeMutablePointer<Float>, _ outShape: [Int]
  ) {
    let plan = BroadcastPlan(outShape, aShape, bShape)
    let inner = plan.inner
    let count = Shape.count(outShape)
    if count == 0 { return }
    Parallel.chunks(count) { start, end in
      var position = start
      while position < end {
        let row = position / inner
        let col = position - row * inner
        let n = Swift.min(inner - col, end - position)
        let (ao, bo) = plan.offsets(row: row)
        let aStep = plan.aInner, bStep = plan.bInner
        rowKernel(K.self, a + ao + col * aStep, aStep, b + bo + col * bStep, bStep, out + position, n)
        position += n
      }
    }
  }

  @inlinable @inline(__always)
  static func rowKernel<K: BinaryKernel>(
    _: K.Type, _ a: UnsafePointer<Float>, _ aStep: Int, _ b: UnsafePointer<Float>, _ bStep: Int,
    _ out: UnsafeMutablePointer<Float>, _ n: Int
  ) {
    var i = 0
    switch (aStep, bStep) {
    case (1, 1):
      while i + 8 <= n {
        let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
        let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(out + i).storeBytes(of: K.simd(va, vb), as: SIMD8<Float>.self)
        i += 8
      }
      while i < n { out[i] = K.scalar(a[i], b[i]); i += 1 }
    case (1, 0):
      let vb = SIMD8<Float>(repeating: b[0])
      while i + 8 <= n {
        let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(out + i).storeBytes(of: K.simd(va, vb), as: SIMD8<Float>.self)
        i += 8
      }
      while i < n { out[i] = K.scalar(a[i], b[0]); i += 1 }
    case (0, 1):
      let va = SIMD8<Float>(repeating: a[0])
      while i + 8 <= n {
        let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(out + i).storeBytes(of: K.simd(va, vb), as: SIMD8<Float>.self)
        i += 8
      }
      while i < n { out[i] = K.scalar(a[0], b[i]); i += 1 }
    default:
      let v = K.scalar(a[0], b[0])
      while i < n { out[i] = v; i += 1 }
    }
  }
}

/// How two broadcast operands are walked: dimensions of the output merged where both operands
/// are contiguous across them, so that the innermost run is as long as possible and each
/// operand's step in it is 1 (it varies) or 0 (it is repeated).
public struct BroadcastPlan {
  @usableFromInline var outer: [Int]  // sizes of the outer dims (innermost excluded)
  @usableFromInline var aOuter: [Int]
  @usableFromInline var bOuter: [Int]
  @usableFromInline let inner: Int
  @usableFromInline let aInner: Int
  @usableFromInline let bInner: Int

  @inlinable
  public init(_ outShape: [Int], _ aShape: [Int], _ bShape: [Int]) {
    let rank = outShape.count
    func stridesFor(_ s: [Int]) -> [Int] {
      let padded = [Int](repeating: 1, count: rank - s.count) + s
      let st = Shape.strides(padded)
      return (0..<rank).map { padded[$0] == 1 && outShape[$0] != 1 ? 0 : st[$0] }
    }
    let sa = stridesFor(aShape), sb = stridesFor(bShape)
    var dims: [Int] = [], da: [Int] = [], db: [Int] = []
    for i in 0..<rank where outShape[i] != 1 {
      if let last = dims.last, da.last! == sa[i] * outShape[i], db.last! == sb[i] * outShape[i] {
        dims[dims.count - 1] = last * outShape[i]
        da[da.count - 1] = sa[i]
        db[db.count - 1] = sb[i]
      } else {
        dims.append(outShape[i]); da.append(sa[i]); db.append(sb[i])
      }
    }
    if dims.isEmpty { dims = [1]; da = [0]; db = [0] }
    inner = dims.removeLast()
    aInner = da.removeLast()
    bInner = db.removeLast()
    outer = dims
    aOuter = da
    bOuter = db
  }

  /// Element offsets of operand a and b at the start of outer row `row`.
  @inlinable @inline(__always)
  func offsets(row: Int) -> (Int, Int) {
    var r = row, ao = 0, bo = 0
    var d = outer.count - 1
    while d >= 0 {
      let size = outer[d]
      let idx = r % size
      r /= size
      ao += idx * aOuter[d]
      bo += idx * bOuter[d]
      d -= 1
    }
    return (ao, bo)
  }
}

extension Elementwise {
  /// out[i] = K(a[i], b[i]) over `count` values stored as `element` (all three alike), in
  /// float32 arithmetic: for operands in one blocked format, whose order does not matter to an
  /// elementwise op. `out` may be `a`.
  static func map<K: BinaryKernel>(
    _: K.Type, _ element: StorageFormat.Element, _ a: UnsafeRawPointer, _ b: UnsafeRawPointer,
    _ out: UnsafeMutableRawPointer, count: Int
  ) {
    switch element {
    case .float32: map(K.self, Float32Element.self, a, b, out, count)
    case .bfloat16: map(K.self, BFloat16Element.self, a, b, out, count)
    }
  }

  /// out[i] = K(x[i]), as the binary form.
  static func map<K: UnaryKernel>(
    _: K.Type, _ element: StorageFormat.Element, _ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer, count: Int
  ) {
    switch element {
    case .float32: map(K.self, Float32Element.self, x, out, count)
    case .bfloat16: map(K.self, BFloat16Element.self, x, out, count)
    }
  }

  private static func map<K: BinaryKernel, E: StorageElement>(
    _: K.Type, _: E.Type, _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ out: UnsafeMutableRawPointer, _ count: Int
  ) {
    Parallel.chunks(count) { start, end in
      var i = start
      // Sixteen values a step (a bfloat16 vector load's width), the kernel on each half.
      while i + 16 <= end {
        let (x, y) = (E.load16(a, i), E.load16(b, i))
        E.store16(SIMD16(lowHalf: K.simd(x.lowHalf, y.lowHalf), highHalf: K.simd(x.highHalf, y.highHalf)), out, i)
        i += 16
      }
      while i + 8 <= end {
        E.store8(K.simd(E.load8(a, i), E.load8(b, i)), out, i)
        i += 8
      }
      while i < end {
        E.store(K.scalar(E.load(a, i), E.load(b, i)), out, i)
        i += 1
      }
    }
  }

  private static func map<K: UnaryKernel, E: StorageElement>(
    _: K.Type, _: E.Type, _ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer, _ count: Int
  ) {
    Parallel.chunks(count) { start, end in
      var i = start
      while i + 16 <= end {
        let v = E.load16(x, i)
        E.store16(SIMD16(lowHalf: K.simd(v.lowHalf), highHalf: K.simd(v.highHalf)), out, i)
        i += 16
      }
      while i + 8 <= end {
        E.store8(K.simd(E.load8(x, i)), out, i)
        i += 8
      }
      while i < end {
        E.store(K.scalar(E.load(x, i)), out, i)
        i += 1
      }
    }
  }
}
