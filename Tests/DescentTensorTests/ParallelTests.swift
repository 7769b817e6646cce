import Testing
@testable import DescentTensor

@Suite struct ParallelTests {
  @Test func chunksCoverEveryElementOnce() {
    let n = 200_003
    var hits = [Int32](repeating: 0, count: n)
    hits.withUnsafeMutableBufferPointer { h in
      Parallel.chunks(n) { start, end in
        for i in start..<end { h[i] += 1 }
      }
    }
    #expect(hits.allSatisfy { $0 == 1 })
  }
}
