import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 热点转办: a hot topic on the supervision board becomes a suggestion referred to a unit — the form
/// filled from the topic, the office's proposal, the unit's inbox, the messages it came from.
@Suite struct ReferralPagesTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func aHotTopic_becomesASuggestionReferredToAUnit(db: TestDatabase) async throws {
    try await withSite(db, policy: IntakePolicy(moderation: false)) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      var ids: [UUID] = []
      for (title, body) in [
        ("幸福里工地夜间施工噪音", "幸福里小区旁工地夜间施工噪音扰民，晚上十一点后还在打桩。"),
        ("夜间施工噪音扰民", "幸福里小区东侧工地夜间施工噪音很大，打桩声音吵得睡不着。"),
        ("工地夜间打桩噪音", "幸福里工地每天夜间打桩施工，噪音扰民，请查处夜间施工。"),
        ("医保报销咨询", "请问异地就医医保报销需要哪些材料？"),
      ] {
        var input = Fixtures.newMessage(title: title, leader: world.secretary.id)
        input.body = body
        ids.append(try await store.submit(input, at: site.clock.now).message.id)
      }
      // One of them is the housing commission's already, so its handler may read it.
      try await store.perform(.assign(lead: world.housing.id), on: ids[0], by: world.dispatcher, at: site.clock.now)

      // The board lists the topic with the way to refer it (once the topics are counted).
      let supervisor = try await logIn(app, "dc.supervisor")
      var board = ""
      for _ in 0..<250 where !board.contains("转为建议交办") {
        board = try await get(app, "/staff/supervision", cookies: supervisor.cookies).1
        if !board.contains("转为建议交办") { try await Task.sleep(for: .milliseconds(40)) }
      }
      let marker = "href=\"/staff/supervision/referral?"
      let start = try #require(board.range(of: marker))
      let link =
        "/staff/supervision/referral?"
        + String(board[start.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
      let form = try await get(app, link, cookies: supervisor.cookies).1
      #expect(form.contains("的集中反映") && form.contains("近 7 天收到同类留言 3 件"))
      #expect(form.contains("幸福里工地夜间施工噪音") && form.contains("name=\"sources[]\""))
      #expect(!form.contains("医保报销咨询"))

      // A unit's handler may not refer.
      let handler = try await logIn(app, "zjw.handler")
      #expect(try await get(app, link, cookies: handler.cookies).0 == .forbidden)
      let fields: [(String, String)] = [
        ("title", "关于幸福里工地夜间施工的集中反映"), ("problem", "近 7 天收到同类留言 3 件。"),
        ("unit", world.housing.id.uuidString), ("sources[]", ids[0].uuidString), ("sources[]", ids[1].uuidString),
        ("sources[]", ids[2].uuidString),
      ]
      #expect(
        try await post(app, "/staff/supervision/referral", fields + [("_csrf", handler.csrf)], cookies: handler.cookies)
          .0 == .forbidden)
      let missing = try await post(
        app, "/staff/supervision/referral", fields + [("_csrf", supervisor.csrf)], cookies: supervisor.cookies)
      #expect(missing.0 == .unprocessableEntity && missing.1.contains("研判建议") && missing.1.contains("幸福里工地夜间施工噪音"))
      let (status, _, headers) = try await post(
        app, "/staff/supervision/referral",
        fields + [("proposal", "建议统一夜间施工审批和巡查，<公示>夜间施工许可。"), ("_csrf", supervisor.csrf)],
        cookies: supervisor.cookies)
      #expect(status == .seeOther)
      let location = try #require(headers.first(name: .location))
      #expect(location.hasSuffix("?done=referred"))

      // A suggestion of the referral channel, with the housing commission, its sources kept.
      let referredID = try #require(
        UUID(uuidString: String(location.dropFirst("/staff/messages/".count).prefix { $0 != "?" })))
      let referred = try #require(try await store.message(referredID))
      #expect(referred.channel == .referral && referred.contact.name == "热点研判")
      #expect(referred.type == .suggestion && referred.status == .assigned && referred.leadUnitID == world.housing.id)
      #expect(referred.isPublic == false)
      #expect(try await store.proposalSources(of: referred.id).map(\.id) == Array(ids.prefix(3)))
      let casePage = try await get(app, location, cookies: supervisor.cookies).1
      #expect(casePage.contains("已转为建议并交办") && casePage.contains("相关留言"))
      #expect(casePage.contains("&lt;公示&gt;夜间施工许可"))

      // The unit finds it in its inbox, reads the sources it may read, and evaluates it.
      #expect(try await get(app, "/staff/inbox", cookies: handler.cookies).1.contains("关于幸福里工地夜间施工的集中反映"))
      let handlerCase = try await get(app, location, cookies: handler.cookies).1
      #expect(handlerCase.contains("幸福里工地夜间施工噪音") && !handlerCase.contains("工地夜间打桩噪音"))
      try await store.perform(.accept(), on: referred.id, by: world.housingHandler, at: site.clock.now)
      try await store.evaluateProposal(
        referred.id, outcome: .adopted, reason: "纳入夜间施工专项整治。", by: world.housingHandler, at: site.clock.now)
      let actions = try await store.events(of: referred.id).map(\.draft.action)
      #expect(actions == [.received, .workflow(.assign), .workflow(.accept), .proposalEvaluated])
    }
  }
}
