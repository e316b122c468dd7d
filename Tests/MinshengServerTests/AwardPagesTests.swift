import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 建议评奖 in the workbench and in public: an administrator opens a round, the panel scores on the
/// round's page, the administrator publishes, and `/suggestions/awards/{id}` lists the winners.
@Suite struct AwardPagesTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func aRound_fromOpeningToThePublicList(db: TestDatabase) async throws {
    try await withSite(db, policy: IntakePolicy(moderation: false)) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let now = site.clock.now
      let new = Fixtures.newSuggestion("社区食堂延长营业时间", leader: world.secretary.id)
      let id = try await store.submit(new, at: now).message.id
      try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: now)
      try await store.perform(.accept(), on: id, by: world.housingHandler, at: now)
      try await store.evaluateProposal(id, outcome: .adopted, reason: "采纳", by: world.housingHandler, at: now)
      // Two more, whose authors chose how the award list names them: the full name, and no name.
      var others: [UUID] = []
      for (title, name, choice) in [("公交站台加装遮雨棚", "陈建国", AwardName.fullName), ("夜市摊位统一规划", "李明远", .anonymous)] {
        var suggestion = Fixtures.newSuggestion(title, leader: world.secretary.id)
        suggestion.contact.name = name
        suggestion.proposal?.awardName = choice
        let other = try await store.submit(suggestion, at: now).message.id
        try await store.perform(.assign(lead: world.housing.id), on: other, by: world.dispatcher, at: now)
        try await store.perform(.accept(), on: other, by: world.housingHandler, at: now)
        try await store.evaluateProposal(other, outcome: .adopted, reason: "采纳", by: world.housingHandler, at: now)
        #expect(try await store.proposal(other)?.awardName == choice)
        others.append(other)
      }

      let handler = try await logIn(app, "zjw.handler")
      #expect(try await get(app, "/staff/awards", cookies: handler.cookies).0 == .forbidden)
      let supervisor = try await logIn(app, "dc.supervisor")
      let list = try await get(app, "/staff/awards", cookies: supervisor.cookies).1
      #expect(list.contains("建议评奖") && !list.contains("name=\"from\""))
      let admin = try await logIn(app, "admin")
      let today = store.rules.calendar.day(of: now)
      let refused = try await post(
        app, "/staff/awards", [("title", ""), ("from", today.description), ("to", "x"), ("_csrf", admin.csrf)],
        cookies: admin.cookies)
      #expect(refused.0 == .unprocessableEntity && refused.1.contains("评选名称"))
      let (created, _, headers) = try await post(
        app, "/staff/awards",
        [
          ("title", "首届人民建议表彰<b>"), ("from", today.adding(days: -7).description), ("to", today.description),
          ("_csrf", admin.csrf),
        ], cookies: admin.cookies)
      #expect(created == .seeOther)
      let roundPath = try #require(headers.first(name: .location))
      let page = try await get(app, roundPath, cookies: supervisor.cookies).1
      #expect(page.contains("社区食堂延长营业时间") && page.contains("首届人民建议表彰&lt;b&gt;"))
      let roundID = String(roundPath.split(separator: "/").last ?? "")
      #expect(try await get(app, "/suggestions/awards/\(roundID)").0 == .notFound)
      let score = [("message", id.uuidString.lowercased()), ("score", "88")]
      #expect(
        try await post(app, roundPath + "/scores", score + [("_csrf", supervisor.csrf)], cookies: supervisor.cookies).0
          == .seeOther)
      let twice = try await post(
        app, roundPath + "/scores", score + [("_csrf", supervisor.csrf)], cookies: supervisor.cookies)
      #expect(twice.0 == .conflict)
      for (other, points) in zip(others, ["87", "86"]) {
        let scored = try await post(
          app, roundPath + "/scores",
          [("message", other.uuidString.lowercased()), ("score", points), ("_csrf", supervisor.csrf)],
          cookies: supervisor.cookies)
        #expect(scored.0 == .seeOther)
      }
      #expect(
        try await post(app, roundPath + "/publish", [("_csrf", supervisor.csrf)], cookies: supervisor.cookies).0
          == .forbidden)
      #expect(
        try await post(app, roundPath + "/publish", [("_csrf", admin.csrf)], cookies: admin.cookies).0 == .seeOther)
      let (status, publicPage) = try await get(app, "/suggestions/awards/\(roundID)")
      #expect(status == .ok && publicPage.contains("特等奖") && publicPage.contains("社区食堂延长营业时间"))
      #expect(publicPage.contains("顾女士") && !publicPage.contains("13800138000"))
      // Each author as they chose: the full name, or 网友 with no trace of the name.
      #expect(publicPage.contains("公交站台加装遮雨棚") && publicPage.contains("陈建国"))
      #expect(publicPage.contains("夜市摊位统一规划") && publicPage.contains("网友"))
      #expect(!publicPage.contains("李明远") && !publicPage.contains("李***"))
      // Elsewhere the full name is still shortened.
      #expect(!(try await get(app, "/messages/\(others[0].uuidString.lowercased())").1.contains("陈建国")))
      #expect(try await get(app, "/suggestions/awards").1.contains("首届人民建议表彰&lt;b&gt;"))
      #expect(try await get(app, "/messages/\(id.uuidString.lowercased())").1.contains("在人民建议表彰中获奖"))
      let (apiStatus, api, _) = try await call(app, .GET, "/api/v1/suggestions/awards/\(roundID)")
      #expect(apiStatus == .ok && api.lowercased().contains(id.uuidString.lowercased()) && api.contains("special"))
      #expect(try await call(app, .GET, "/api/v1/suggestions/awards").1.lowercased().contains(roundID))
    }
  }
}
