import Testing

@testable import DescentTensor

/// `MatrixTranspose`: whole 16 × 16 tiles (transposed in registers), ragged edges, and several
/// matrices in one call, element for element against the definition.
@Suite struct MatrixTransposeTests {
  @Test(arguments: [(16, 16, 1), (35, 50, 1), (128, 1024, 1), (1024, 128, 1), (32, 48, 9), (17, 3, 2)])
  func everyElementLandsTransposed(rows: Int, columns: Int, matrices: Int) {
    let count = rows * columns * matrices
    let source = (0..<count).map { Float($0) }
    var target = [Float](repeating: .nan, count: count)
    source.withUnsafeBufferPointer { s in
      target.withUnsafeMutableBufferPointer { t in
        MatrixTranspose.transpose(s.baseAddress!, rows: rows, columns: columns, into: t.baseAddress!, matrices: matrices)
      }
    }
    var wrong = 0
    for m in 0..<matrices {
      for i in 0..<rows {
        for j in 0..<columns where target[m * rows * columns + j * rows + i] != source[m * rows * columns + i * columns + j] {
          wrong += 1
        }
      }
    }
    #expect(wrong == 0, "\(wrong) of \(count) elements misplaced")
  }
}
