import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// Search over more matches than a relevance order ranks (`rankingDepth`, 1,000) and across two
/// years of serial numbers, on every database: which matches are ranked, what is counted, and
/// pages of the newest first that cross from one year into the year before.
@Suite struct SearchDepthTests {
  @Test(arguments: TestDatabase.available)
  func aCommonWord_ranksTheNewestMatches_acrossYears(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      // 2,100 messages whose body says 噪音: the first 1,200 last year. Every fiftieth also has it in
      // its title; three of last year's name 光明村.
      let lastYear = Fixtures.now.addingTimeInterval(-365 * 86_400)
      let cases = (0..<2_100).map { index in
        let title =
          index % 50 == 0 ? "噪音扰民 \(index)" : [10, 20, 30].contains(index) ? "光明村路灯 \(index)" : "反映问题 \(index)"
        return CaseToLoad(
          Fixtures.newMessage(title: title, leader: world.secretary.id),
          receivedAt: index < 1_200 ? lastYear : Fixtures.now, steps: [])
      }
      var loaded: [Message] = []
      for start in stride(from: 0, to: cases.count, by: 500) {
        loaded += try await store.load(Array(cases[start..<min(start + 500, cases.count)]))
      }
      #expect(loaded.allSatisfy { $0.isPublic && $0.publication == .published })
      #expect(Set(loaded.map(\.serial.year)).count == 2)
      let noise = try #require(SearchQuery("噪音"))

      // Ranked: the newest 1,000 matches (this year's 900 and last year's newest 100), titles first;
      // the older titles are beyond the depth.
      let ranked = try await store.searchPublic(noise, limit: 20)
      let titled = (1_100..<2_100).filter { $0 % 50 == 0 }.map { loaded[$0].id }
      #expect(Set(ranked.hits.map(\.item.id)) == Set(titled))
      #expect(ranked.total == Store.searchCountCap && ranked.totalIsAtLeast)

      // Newest first, a page that crosses into last year.
      let page = try await store.searchPublic(noise, order: .newest, limit: 20, offset: 890)
      #expect(page.hits.map(\.item.id) == (1_190..<1_210).reversed().map { loaded[$0].id })
      #expect(page.nextOffset == 910)

      // A word only last year's messages hold is found through the windows of this year.
      let rare = try await store.searchPublic(try #require(SearchQuery("光明村")))
      #expect(Set(rare.hits.map(\.item.id)) == Set([10, 20, 30].map { loaded[$0].id }) && rare.total == 3)
      var filter = MessageFilter()
      filter.text = "光明村"
      #expect(try await store.publicMessageCount(matching: filter) == 3)
      #expect(try await store.publicMessages(matching: filter).items.map(\.id) == [30, 20, 10].map { loaded[$0].id })
    }
  }
}
