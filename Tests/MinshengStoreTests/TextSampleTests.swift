import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// The texts the board's topics are found in: a period's messages, or an even sample of them by
/// serial number, across the new year when numbering starts again.
@Suite struct TextSampleTests {
  @Test(arguments: TestDatabase.available)
  func sample_isEveryStrideOfThePeriod_acrossTheNewYear(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      // One message every five hours from 26 December to 8 January (Beijing's new year falls at
      // 16:00 UTC on 31 December).
      let start = Fixtures.at("2025-12-26")
      let cases = (0..<65).map { index in
        CaseToLoad(
          Fixtures.newMessage(title: "留言 \(index)", leader: world.secretary.id),
          receivedAt: start.addingTimeInterval(Double(index) * 5 * 3_600), steps: [])
      }
      let messages = try await store.load(cases)
      #expect(Set(messages.map(\.serial.year)).count == 2)
      let from = Fixtures.at("2025-12-28")
      let before = Fixtures.at("2026-01-04")
      let inPeriod = messages.filter { $0.createdAt >= from && $0.createdAt < before }
      #expect(try await store.messageCount(createdFrom: from, before: before) == inPeriod.count)
      #expect(try await store.texts(createdFrom: from, before: before).map(\.id) == inPeriod.map(\.id))
      for stride in [2, 3, 7] {
        let sampled = inPeriod.filter { $0.serial.number % stride == 0 }
        #expect(
          try await store.texts(createdFrom: from, before: before, every: stride).map(\.title) == sampled.map(\.title),
          "every \(stride)")
      }
      // A period with no messages, and one inside a single year.
      #expect(try await store.texts(createdFrom: Fixtures.at("2027-01-01"), before: Fixtures.at("2027-01-08")).isEmpty)
      let january = messages.filter { $0.createdAt >= Fixtures.at("2026-01-02") && $0.serial.number % 4 == 0 }
      #expect(
        try await store.texts(createdFrom: Fixtures.at("2026-01-02"), before: Fixtures.at("2026-02-01"), every: 4)
          .map(\.id) == january.map(\.id))
      // Loaded history need not arrive in the order of its serials: the sample is still every
      // stride-th serial of the period, in the order of serials.
      let late = Fixtures.at("2026-03-02")
      let reversed = try await store.load(
        (0..<20).map { index in
          CaseToLoad(
            Fixtures.newMessage(title: "补录 \(index)", leader: world.secretary.id),
            receivedAt: late.addingTimeInterval(Double(20 - index) * 3_600), steps: [])
        })
      #expect(
        try await store.texts(createdFrom: late, before: late.addingTimeInterval(86_400), every: 3).map(\.id)
          == reversed.filter { $0.serial.number % 3 == 0 }.map(\.id))
    }
  }
}
