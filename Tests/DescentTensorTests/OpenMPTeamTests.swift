import Foundation
import Testing

@testable import DescentTensor

/// `Parallel.forEach` on the main thread runs its tasks on oneDNN's OpenMP team
/// (`OpenMP.parallel`); here on the test's thread, named so with `onOpenMPTeam`. Serialized:
/// one thread is named at a time. Not under ThreadSanitizer (scripts/test.sh): libgomp is not
/// instrumented, so its barriers are invisible to it and every hand-off would read as a race.
@Suite(.serialized) struct OpenMPTeamTests {
  /// Every index runs exactly once, on as many threads as there are tasks or workers.
  @Test(arguments: [2, 3, 17, 1000])
  func everyIndexOnceOnTheTeam(count: Int) {
    let seen = Locked((hits: [Int](repeating: 0, count: count), threads: Set<UInt>()))
    Parallel.onOpenMPTeam {
      Parallel.forEach(count) { i in
        seen.withLock {
          $0.hits[i] += 1
          $0.threads.insert(UInt(pthread_self()))
        }
      }
    }
    seen.withLock { seen in
      #expect(seen.hits.allSatisfy { $0 == 1 })
      if Parallel.threads > 1 { #expect(seen.threads.count == min(count, Parallel.threads)) }
    }
  }

  /// A `forEach` inside a task runs in order on that task's thread (a team of one), and still
  /// covers every pair.
  @Test func nestedRegionsCoverEveryPair() {
    let (outer, inner) = (5, 7)
    let hits = Locked([Int](repeating: 0, count: outer * inner))
    Parallel.onOpenMPTeam {
      Parallel.forEach(outer) { i in
        Parallel.forEach(inner) { j in hits.withLock { $0[i * inner + j] += 1 } }
      }
    }
    #expect(hits.withLock { $0.allSatisfy { $0 == 1 } })
  }

  /// With the OpenMP runtime loaded (it comes with oneDNN), the team path is taken.
  @Test func theRuntimeIsThere() {
    let ran = Locked(0)
    #expect(OpenMP.parallel(4, threads: 2) { _ in ran.withLock { $0 += 1 } })
    #expect(ran.withLock { $0 } == 4)
  }
}
