import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// 表彰奖励: the nominees are the suggestions adopted in the round's period; the panel scores each
/// once; publishing fills the tiers by mean score, keeps the result, records `awarded` in each
/// winner's chain and tells its author.
@Suite struct AwardTests {
  @Test func decide_ranksByMean_thenScorers_andFillsTheTiersInOrder() throws {
    let tiers = [
      AwardTier(id: "first", name: ["zh-Hans": "一等奖"], count: 1, amount: 20_000),
      AwardTier(id: "second", name: ["zh-Hans": "二等奖"], count: 2, amount: 10_000),
    ]
    func nominee(_ number: Int, _ scores: [Int]) -> AwardNominee {
      AwardNominee(messageID: UUID(), serial: Serial(year: 2026, number: number), scores: scores)
    }
    let nominees = [nominee(1, [80, 90]), nominee(2, [95]), nominee(3, [85, 85]), nominee(4, []), nominee(5, [85])]
    let result = AwardResult.decide(nominees, tiers: tiers)
    #expect(result.winners.map(\.serial) == ["2026-000002", "2026-000001", "2026-000003"])
    #expect(result.winners.map(\.tier) == ["first", "second", "second"])
    #expect(try AwardTier.bundled().map(\.id) == ["special", "first", "second", "third", "merit"])
    #expect(throws: KPIError.self) {
      try AwardTier.decode(Data(#"{"version":1,"tiers":[{"id":"a","name":{},"count":0,"amount":1}]}"#.utf8))
    }
  }

  @Test(arguments: TestDatabase.available)
  func aRound_isScoredOnce_publishedOnce_andTellsTheWinners(db: TestDatabase) async throws {
    try await db.withStore { store in
      let world = try await SeededWorld.create(in: store)
      let now = Fixtures.now
      let today = store.rules.calendar.day(of: now)
      var adopted: [UUID] = []
      for (index, title) in ["建议一", "建议二", "建议三"].enumerated() {
        let new = Fixtures.newSuggestion(title, phone: "1380013800\(index)", leader: world.secretary.id)
        let id = try await store.submit(new, at: now).message.id
        try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: now)
        try await store.perform(.accept(), on: id, by: world.housingHandler, at: now)
        try await store.evaluateProposal(
          id, outcome: index == 2 ? .declined : .adopted, reason: "理由", by: world.housingHandler, at: now)
        adopted.append(id)
      }
      let admin = Actor(role: .admin, id: "admin")
      let supervisor = Actor(role: .supervisor, id: "dc.supervisor")
      await #expect(throws: StoreError.self) {
        try await store.createAwardRound(title: "第一届", from: today, to: today, by: supervisor, at: now)
      }
      let round = try await store.createAwardRound(
        title: "2026 年度人民建议表彰", from: today.adding(days: -30), to: today, by: admin, at: now)
      let nominees = try await store.awardNominees(round)
      #expect(nominees.map(\.messageID) == Array(adopted.prefix(2)))
      await #expect(throws: StoreError.self) { try await store.publishAwardRound(round.id, by: admin, at: now) }
      try await store.scoreNominee(round: round.id, message: adopted[1], score: 90, by: supervisor, at: now)
      try await store.scoreNominee(round: round.id, message: adopted[1], score: 70, by: admin, at: now)
      try await store.scoreNominee(round: round.id, message: adopted[0], score: 60, by: supervisor, at: now)
      await #expect(throws: StoreError.self) {
        try await store.scoreNominee(round: round.id, message: adopted[0], score: 99, by: supervisor, at: now)
      }
      await #expect(throws: ValidationError.self) {
        try await store.scoreNominee(round: round.id, message: adopted[0], score: 101, by: admin, at: now)
      }
      await #expect(throws: StoreError.self) {
        try await store.scoreNominee(round: round.id, message: adopted[2], score: 50, by: admin, at: now)
      }
      await #expect(throws: StoreError.self) {
        try await store.scoreNominee(round: round.id, message: adopted[0], score: 50, by: world.housingHandler, at: now)
      }
      // Two administrators publish at once: one result, frozen once, each winner told once.
      async let first = store.publishAwardRound(round.id, by: admin, at: now)
      async let second = store.publishAwardRound(round.id, by: admin, at: now.addingTimeInterval(1))
      let (published, other) = try await (first, second)
      #expect(published.result == other.result && published.publishedAt == other.publishedAt)
      let publishes = try await store.recentReferenceChanges(limit: 50).filter { $0.action == "publish" }
      #expect(publishes.count == 1)
      #expect(published.result?.winners.map(\.messageID) == [adopted[1], adopted[0]])
      #expect(published.result?.winners.map(\.tier) == ["special", "first"])
      #expect(try await store.awardRounds(publishedOnly: true).map(\.id) == [round.id])
      // Published once: no more scores; publishing again completes nothing new and decides nothing anew.
      await #expect(throws: StoreError.self) {
        try await store.scoreNominee(round: round.id, message: adopted[0], score: 100, by: admin, at: now)
      }
      _ = try await store.publishAwardRound(round.id, by: admin, at: now.addingTimeInterval(60))
      let awarded = try await store.events(of: adopted[1]).filter { $0.draft.action == .awarded }
      #expect(awarded.count == 1 && awarded[0].draft.payload["tier"] == "special", "\(awarded.count)")
      let sms = try await store.outbox(recipient: "13800138001").map(\.body)
      #expect(sms.filter { $0.contains("获奖") }.count == 1 && sms.contains { $0.contains("评估结论") })
      #expect(try await store.events(of: adopted[0]).filter { $0.draft.action == .awarded }.count == 1)
      try await store.sealAllEvents()
      #expect(try await store.verifyAudit().isIntact)
    }
  }
}
