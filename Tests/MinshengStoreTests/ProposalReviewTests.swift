import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// 专家评审: the dispatching office names staff to a suggestion's panel while the unit evaluates it;
/// each member gives one opinion; the unit decides with the opinions before it; every step an
/// internal event in the suggestion's chain, on every database.
@Suite struct ProposalReviewTests {
  @Test func usernames_areReadAsTheOfficeTypesThem() {
    #expect(ProposalReview.usernames(" a.b, c，d、e; a.b  f ") == ["a.b", "c", "d", "e", "f"])
  }

  @Test(arguments: TestDatabase.available)
  func aPanel_isNamedByTheOffice_andEachMemberGivesOneOpinion(db: TestDatabase) async throws {
    try await db.withStore { store in
      let world = try await SeededWorld.create(in: store)
      let now = Fixtures.now
      for (name, role, unit) in [
        ("expert.one", Role.handler, world.market.id), ("expert.two", .supervisor, nil),
        ("expert.off", .handler, world.education.id),
      ] {
        try await store.createStaffAccount(username: name, passwordHash: "x", role: role, unitID: unit, at: now)
      }
      try await store.disable(username: "expert.off", by: "admin", at: now)
      let id = try await store.submit(
        Fixtures.newSuggestion("加装电梯费用分摊公示", leader: world.secretary.id), at: now
      ).message.id
      // Only while the unit evaluates it.
      await #expect(throws: StoreError.self) {
        try await store.nameReviewers(id, usernames: ["expert.one"], by: world.dispatcher, at: now)
      }
      try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: now)
      for refused in [world.housingHandler, Actor(role: .dispatcher, unitID: world.countyOffice.id, id: "county")] {
        await #expect(throws: StoreError.self, "\(refused.id)") {
          try await store.nameReviewers(id, usernames: ["expert.one"], by: refused, at: now)
        }
      }
      let unknown = try await #require(throws: ValidationError.self) {
        try await store.nameReviewers(
          id, usernames: ["expert.one", "nobody", "expert.off"], by: world.dispatcher, at: now)
      }
      #expect(unknown.problems.map(\.field) == ["reviewers"])
      #expect(try await store.reviews(of: id).isEmpty)
      try await store.nameReviewers(id, usernames: ["expert.one", "expert.two"], by: world.dispatcher, at: now)
      let events = try await store.events(of: id).count
      try await store.nameReviewers(id, usernames: ["expert.one"], by: world.dispatcher, at: now)
      #expect(try await store.events(of: id).count == events)
      #expect(try await store.reviews(of: id).map(\.username) == ["expert.one", "expert.two"])

      let one = Actor(role: .handler, unitID: world.market.id, id: "expert.one")
      await #expect(throws: ValidationError.self) {
        try await store.recordReview(id, outcome: .adopted, opinion: " ", by: one, at: now)
      }
      let given = try await store.recordReview(
        id, outcome: .partlyAdopted, opinion: "分摊比例可参照外地做法，先在两个街道试点。", by: one, at: now)
      #expect(given.outcome == .partlyAdopted && given.reviewedAt == now)
      await #expect(throws: StoreError.self) {
        try await store.recordReview(id, outcome: .declined, opinion: "改主意", by: one, at: now)
      }
      await #expect(throws: StoreError.self) {
        try await store.recordReview(
          id, outcome: .adopted, opinion: "我也想评", by: Actor(role: .handler, unitID: world.housing.id, id: "zjw"),
          at: now)
      }
      #expect(try await store.reviewAssignments(of: "expert.two").map(\.1.id) == [id])

      // The unit decides; the panel's time is over.
      try await store.perform(.accept(), on: id, by: world.housingHandler, at: now)
      try await store.evaluateProposal(id, outcome: .partlyAdopted, reason: "部分采纳。", by: world.housingHandler, at: now)
      await #expect(throws: StoreError.self) {
        try await store.recordReview(
          id, outcome: .adopted, opinion: "晚了", by: Actor(role: .supervisor, id: "expert.two"), at: now)
      }
      let stored = try await store.events(of: id)
      let panel = stored.filter { [.reviewersNamed, .proposalReviewed].contains($0.draft.action) }
      #expect(panel.count == 2 && panel.allSatisfy { $0.draft.visibility == .internal })
      #expect(panel.last?.draft.payload["outcome"] == "partly_adopted")
      try await store.sealAllEvents()
      #expect(try await store.verifyAudit().isIntact)
    }
  }
}
