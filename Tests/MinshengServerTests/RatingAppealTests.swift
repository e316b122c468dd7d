import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@testable import MinshengServer

/// 评价申诉复核: the lead unit appeals an unsatisfied rating from the case page, the supervisor decides
/// from the supervision board, and an upheld appeal leaves the rating out of 满意率; every step is an
/// event in the case's chain.
@Suite struct RatingAppealTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func anUpheldAppeal_leavesTheRatingOutOfSatisfaction(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world, now) = (site.app, site.store, site.world, site.clock.now)
      let id = try await housingCase(site, "小区门口路灯不亮")
      try await store.perform(.reply(body: "已安排维修。"), on: id, by: world.housingHandler, at: now)
      try await store.perform(.approveReply(), on: id, by: world.housingReviewer, at: now)
      let casePath = "/staff/messages/\(id.uuidString.lowercased())"
      let appealPath = casePath + "/appeal"
      let handler = try await logIn(app, "zjw.handler")
      let supervisor = try await logIn(app, "dc.supervisor")

      // No rating yet: nothing to appeal.
      #expect(try await !get(app, casePath, cookies: handler.cookies).1.contains("id=\"appeal\""))
      #expect(
        try await post(app, appealPath, [("reason", "恶意差评"), ("_csrf", handler.csrf)], cookies: handler.cookies).0
          == .forbidden)
      try await store.perform(
        .evaluate(Evaluation(resolution: 1, attitude: 1, speed: 1, comment: "不满意")), on: id, by: world.author, at: now)
      let period = try #require(StatsPeriod("2026-03"))
      let definitions = try KPIDefinitions.bundled()
      func satisfaction() async throws -> KPIFigure? {
        try await store.statistics(period: period, by: .unit, asOf: site.clock.now, definitions: definitions)
          .groups[world.housing.id.uuidString.lowercased()]?["satisfaction"]
      }
      #expect(try await satisfaction()?.denominator == 1)

      // The unit's page offers the appeal; without the form's token, without a reason, or by another
      // role, it is refused.
      let page = try await get(app, casePath, cookies: handler.cookies).1
      #expect(page.contains("id=\"appeal\"") && page.contains("name=\"reason\""))
      #expect(try await post(app, appealPath, [("reason", "恶意差评")], cookies: handler.cookies).0 != .seeOther)
      #expect(
        try await post(app, appealPath, [("reason", " "), ("_csrf", handler.csrf)], cookies: handler.cookies).0
          == .unprocessableEntity)
      #expect(
        try await post(app, appealPath, [("reason", "代为申诉"), ("_csrf", supervisor.csrf)], cookies: supervisor.cookies)
          .0 == .forbidden)
      let appealed = try await post(
        app, appealPath, [("reason", "留言人评价与办理无关，系针对物业费的不满"), ("_csrf", handler.csrf)],
        cookies: handler.cookies)
      #expect(appealed.0 == .seeOther)
      #expect(appealed.2.first(name: .location) == casePath + "#appeal")
      // Once per rating; the unit sees it waiting, and the rating still counts until decided.
      #expect(
        try await post(app, appealPath, [("reason", "再次申诉"), ("_csrf", handler.csrf)], cookies: handler.cookies).0
          == .forbidden)
      #expect(try await get(app, casePath, cookies: handler.cookies).1.contains("本单位已于"))
      #expect(try await satisfaction()?.denominator == 1)

      // The supervision board lists it; the unit may not decide its own appeal.
      let board = try await get(app, "/staff/supervision", cookies: supervisor.cookies).1
      #expect(board.contains("id=\"appeals\"") && board.contains("小区门口路灯不亮"))
      let decide = appealPath + "/decide"
      #expect(
        try await post(app, decide, [("upheld", "1"), ("_csrf", handler.csrf)], cookies: handler.cookies).0
          == .forbidden)
      #expect(
        try await post(app, decide, [("upheld", "maybe"), ("_csrf", supervisor.csrf)], cookies: supervisor.cookies).0
          == .badRequest)
      let decided = try await post(
        app, decide, [("upheld", "1"), ("note", "经核实属恶意评价"), ("_csrf", supervisor.csrf)],
        cookies: supervisor.cookies)
      #expect(decided.0 == .seeOther)
      #expect(try await satisfaction()?.denominator == 0)
      #expect(!(try await get(app, "/staff/supervision", cookies: supervisor.cookies).1.contains("id=\"appeals\"")))
      let events = try await store.events(of: id).map(\.draft)
      #expect(events.suffix(2).map(\.action) == [.ratingAppealed, .ratingAppealDecided])
      #expect(events.suffix(2).allSatisfy { $0.visibility == .internal })
      #expect(events.last?.payload["upheld"] == "true" && events.last?.note == "经核实属恶意评价")
      // The rating stays public: it is the author's word; the appeal is not shown there.
      let publicPage = try await get(app, "/messages/\(id.uuidString.lowercased())").1
      #expect(!publicPage.contains("申诉"))
      // The chain still verifies with the new kinds of event.
      #expect(try await store.verifyAudit().isIntact)
    }
  }
}
