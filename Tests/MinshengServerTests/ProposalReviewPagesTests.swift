import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 专家评审 on the pages: the dispatching office names the panel on the case page; a member finds the
/// suggestion under 待评审建议, reads it without its author's contact details and gives an opinion;
/// the unit reads the opinions; the public page says how many reviewed it once the outcome is out.
@Suite struct ProposalReviewPagesTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func aPanelMember_reviewsOnTheirOwnPage_andTheUnitReadsTheOpinion(db: TestDatabase) async throws {
    try await withSite(db, policy: IntakePolicy(moderation: false)) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let now = site.clock.now
      let id = try await store.submit(
        Fixtures.newSuggestion("加装电梯费用分摊公示", leader: world.secretary.id), at: now
      ).message.id
      try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: now)
      let casePath = "/staff/messages/\(id.uuidString.lowercased())"
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      #expect(try await get(app, casePath, cookies: dispatcher.cookies).1.contains("组织评审"))
      let unknown = try await post(
        app, casePath + "/proposal/reviewers", [("reviewers", "scjg.handler nobody"), ("_csrf", dispatcher.csrf)],
        cookies: dispatcher.cookies)
      #expect(unknown.0 == .unprocessableEntity && unknown.1.contains("没有这些工作人员账号：nobody"))
      #expect(
        try await post(
          app, casePath + "/proposal/reviewers",
          [("reviewers", "scjg.handler，dc.supervisor"), ("_csrf", dispatcher.csrf)],
          cookies: dispatcher.cookies
        ).0 == .seeOther)

      // The member's list and page: the suggestion, not its author's number.
      let expert = try await logIn(app, "scjg.handler")
      let list = try await get(app, "/staff/reviews", cookies: expert.cookies).1
      #expect(list.contains("href=\"/staff/reviews\"") && list.contains("加装电梯费用分摊公示") && list.contains("待评审"))
      let reviewPath = "/staff/reviews/\(id.uuidString.lowercased())"
      let page = try await get(app, reviewPath, cookies: expert.cookies).1
      #expect(page.contains("在老旧小区加装电梯时统一公示费用分摊办法") && !page.contains("13800138000"))
      #expect(!(try await get(app, casePath, cookies: expert.cookies).1.contains("13800138000")))
      let outsider = try await logIn(app, "zjw.reviewer")
      #expect(try await get(app, reviewPath, cookies: outsider.cookies).0 == .notFound)
      let empty = try await post(
        app, reviewPath, [("outcome", "adopted"), ("_csrf", expert.csrf)], cookies: expert.cookies)
      #expect(empty.0 == .unprocessableEntity && empty.1.contains("评审意见"))
      let (given, _, headers) = try await post(
        app, reviewPath, [("outcome", "partly_adopted"), ("opinion", "先在两个街道试点<再推开>。"), ("_csrf", expert.csrf)],
        cookies: expert.cookies)
      #expect(given == .seeOther && headers.first(name: .location)?.contains("done=proposal_reviewed") == true)
      let after = try await get(app, reviewPath + "?done=proposal_reviewed", cookies: expert.cookies).1
      #expect(after.contains("评审意见已提交") && after.contains("先在两个街道试点&lt;再推开&gt;。") && !after.contains("提交评审意见</button>"))
      #expect(
        try await post(
          app, reviewPath, [("outcome", "adopted"), ("opinion", "再来"), ("_csrf", expert.csrf)], cookies: expert.cookies
        )
        .0 == .forbidden)

      // The unit reads the panel's opinions and decides; the public page says it was reviewed.
      let handler = try await logIn(app, "zjw.handler")
      #expect(try await act(app, handler, id, "accept").0 == .seeOther)
      let unitPage = try await get(app, casePath, cookies: handler.cookies).1
      #expect(unitPage.contains("scjg.handler：部分采纳。先在两个街道试点") && unitPage.contains("dc.supervisor：待评审"))
      try await store.evaluateProposal(id, outcome: .partlyAdopted, reason: "部分采纳。", by: world.housingHandler, at: now)
      let publicPage = try await get(app, "/messages/\(id.uuidString.lowercased())").1
      #expect(publicPage.contains("经 1 位专家评审") && !publicPage.contains("先在两个街道试点"))
    }
  }
}
