import Testing
@testable import DescentCLI

/// The benchmarks' median: the middle value, the mean of the two middle ones for an even count
/// (`bench study --epochs 2` reported the slower epoch before).
@Suite struct MedianTests {
  @Test func middleValueOrMeanOfTheTwoMiddleOnes() {
    #expect([3.0, 1, 2].median == 2)
    #expect([10.5, 6.5].median == 8.5)
    #expect([4.0, 1, 3, 2].median == 2.5)
    #expect([7.0].median == 7)
    #expect([Double]().median == 0)
  }
}
