/// The transpose of row-major float matrices, in 16 × 16 tiles: a tile's rows are read as whole
/// cache lines and its columns written as whole cache lines, bands of rows spread over the
/// cores. Kernels use it to give a GEMM the operand order it runs fastest.
enum MatrixTranspose {
  /// target[m][j · rows + i] = source[m][i · columns + j] for each of `matrices` matrices that
  /// lie one after the other.
  static func transpose(
    _ source: UnsafePointer<Float>, rows: Int, columns: Int, into target: UnsafeMutablePointer<Float>, matrices: Int = 1
  ) {
    let bandsPerMatrix = (rows + 15) / 16
    let bands = matrices * bandsPerMatrix
    let workers = Swift.max(1, Swift.min(Parallel.threads, matrices * rows * columns / Parallel.minimumParallelElements, bands))
    let per = (bands + workers - 1) / workers
    Parallel.forEach(workers) { w in
      for band in w * per..<Swift.min(bands, (w + 1) * per) {
        let (matrix, first) = band.quotientAndRemainder(dividingBy: bandsPerMatrix)
        let (from, to) = (source + matrix * rows * columns, target + matrix * rows * columns)
        let (i0, i1) = (first * 16, Swift.min(rows, first * 16 + 16))
        var j0 = 0
        while j0 < columns {
          let j1 = Swift.min(columns, j0 + 16)
          if i1 - i0 == 16 && j1 - j0 == 16 {
            tile(from + i0 * columns + j0, columns, to + j0 * rows + i0, rows)
          } else {
            for j in j0..<j1 {
              for i in i0..<i1 { to[j * rows + i] = from[i * columns + j] }
            }
          }
          j0 = j1
        }
      }
    }
  }

  private typealias Lanes = SIMD16<Float>

  /// One 16 × 16 tile in registers. Each of four rounds pairs the registers whose numbers differ
  /// in one bit and deinterleaves them (even lanes of both into one, odd lanes into the other);
  /// with the rows loaded and the columns stored in bit-reversed register order, that is the
  /// transpose (each round moves one bit of the column number into the register number).
  @inline(__always)
  private static func tile(_ source: UnsafePointer<Float>, _ sourceStride: Int, _ target: UnsafeMutablePointer<Float>, _ targetStride: Int) {
    withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 16) { registers in
      let v = registers.baseAddress!
      for register in 0..<16 {
        v[register] = UnsafeRawPointer(source + reversed(register) * sourceStride).loadUnaligned(as: Lanes.self)
      }
      var bit = 8
      while bit > 0 {
        for a in 0..<16 where a & bit == 0 {
          let (x, y) = (v[a], v[a | bit])
          v[a] = Lanes(lowHalf: x.evenHalf, highHalf: y.evenHalf)
          v[a | bit] = Lanes(lowHalf: x.oddHalf, highHalf: y.oddHalf)
        }
        bit >>= 1
      }
      for register in 0..<16 {
        UnsafeMutableRawPointer(target + reversed(register) * targetStride).storeBytes(of: v[register], as: Lanes.self)
      }
    }
  }

  /// The 4-bit number with `x`'s bits in reverse order.
  @inline(__always) private static func reversed(_ x: Int) -> Int {
    (x & 1) << 3 | (x & 2) << 1 | (x & 4) >> 1 | (x & 8) >> 3
  }
}
