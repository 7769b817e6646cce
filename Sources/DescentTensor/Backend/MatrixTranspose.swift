/// The transpose of a row-major float matrix, in 16 × 16 tiles (a tile's rows are read as whole
/// cache lines and its columns written as whole cache lines), bands of rows spread over the
/// cores. Kernels use it to give a GEMM the operand order it runs fastest.
enum MatrixTranspose {
  /// target[j · rows + i] = source[i · columns + j]
  static func transpose(_ source: UnsafePointer<Float>, rows: Int, columns: Int, into target: UnsafeMutablePointer<Float>) {
    let bands = (rows + 15) / 16
    let workers = Swift.max(1, Swift.min(Parallel.threads, rows * columns / Parallel.minimumParallelElements, bands))
    let per = (bands + workers - 1) / workers
    Parallel.forEach(workers) { w in
      for band in w * per..<Swift.min(bands, (w + 1) * per) {
        let (i0, i1) = (band * 16, Swift.min(rows, band * 16 + 16))
        var j0 = 0
        while j0 < columns {
          let j1 = Swift.min(columns, j0 + 16)
          for j in j0..<j1 {
            let column = target + j * rows
            for i in i0..<i1 { column[i] = source[i * columns + j] }
          }
          j0 = j1
        }
      }
    }
  }
}
