import Foundation
import Synchronization
import Testing

@testable import MinshengServer

/// The queues' section counts: small ones always exact, large ones reused for a few seconds.
@Suite struct CountCacheTests {
  @Test func smallCounts_areAlwaysCounted_largeOnesReusedForTheirLifetime() async throws {
    let cache = CountCache(large: 500, lifetime: .milliseconds(300))
    let calls = Mutex(0)
    func counting(_ value: Int) -> () async throws -> Int {
      {
        calls.withLock { $0 += 1 }; return value
      }
    }
    #expect(try await cache.count("inbox", counting(12)) == 12)
    #expect(try await cache.count("inbox", counting(11)) == 11)  // small: counted again
    #expect(calls.withLock { $0 } == 2)
    #expect(try await cache.count("late", counting(25_106)) == 25_106)
    #expect(try await cache.count("late", counting(25_107)) == 25_106)  // large: reused
    #expect(calls.withLock { $0 } == 3)
    try await Task.sleep(for: .milliseconds(400))
    #expect(try await cache.count("late", counting(25_107)) == 25_107)  // past its lifetime
    #expect(try await cache.count("soon", counting(600)) == 600)  // each key on its own
  }
}
