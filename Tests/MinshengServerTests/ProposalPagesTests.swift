import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 人民建议征集 in the browser: an administrator opens a campaign; a citizen writes a suggestion to it;
/// others support it on its page until the threshold sends it to the evaluating unit; the unit gives
/// the outcome and records the adoption, and the public page shows each step.
@Suite struct ProposalPagesTests: SiteTesting {
  /// A citizen's browser: the form cookie and token, and the 我的留言 session of the number.
  func citizen(_ site: Site, _ phone: String, page: String) async throws -> Browser {
    let form = try await formToken(site.app, page)
    let key = try await site.store.openCitizenSession(phone: phone, at: site.clock.now)
    return Browser(cookies: form.cookie + "; minsheng_citizen=" + key, csrf: form.token)
  }

  @Test(arguments: TestDatabase.available)
  func aSuggestion_goesFromCampaignToAdoption_onThePages(db: TestDatabase) async throws {
    try await withSite(db, policy: IntakePolicy(moderation: false)) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let admin = try await AdminPagesTests().logIn(app, "admin")
      let today = store.rules.calendar.day(of: site.clock.now)
      let (added, _, _) = try await post(
        app, "/staff/admin/campaigns/add",
        [
          ("title", "老旧小区改造<金点子>"), ("description", "围绕加装电梯、停车征集建议。"), ("opens_on", today.description),
          ("closes_on", today.adding(days: 30).description), ("support_threshold", "2"),
          ("unit_id", world.housing.id.uuidString), ("unit2_id", ""), ("_csrf", admin.csrf),
        ], cookies: admin.cookies)
      #expect(added == .seeOther)
      let campaign = try #require(try await store.campaigns().first { !$0.isGeneral })
      #expect(campaign.supportThreshold == 2 && campaign.unitIDs == [world.housing.id])
      let refused = try await post(
        app, "/staff/admin/campaigns/add",
        [("title", "t"), ("description", "d"), ("opens_on", "明天"), ("support_threshold", "许多"), ("_csrf", admin.csrf)],
        cookies: admin.cookies)
      #expect(refused.0 == .unprocessableEntity && refused.1.contains("开始日期") && refused.1.contains("附议门槛"))

      // The author writes to the campaign from its page.
      let campaignPath = "/suggestions/campaigns/\(campaign.id.uuidString.lowercased())"
      let (_, campaignPage) = try await get(app, campaignPath)
      #expect(campaignPage.contains("老旧小区改造&lt;金点子&gt;") && !campaignPage.contains("<金点子>"))
      let writePath = "/write?campaign=\(campaign.id.uuidString.lowercased())"
      #expect(
        campaignPage.contains(writePath.replacingOccurrences(of: "&", with: "&amp;"))
          || campaignPage.contains(writePath))
      let author = try await citizen(site, "13800138000", page: writePath)
      let (_, form) = try await get(app, writePath, cookies: author.cookies)
      #expect(form.contains("name=\"proposal\"") && form.contains("name=\"benefit\"") && form.contains("存在的问题"))
      // 获奖署名: the author chooses how an award list would name them; shortened unless they choose.
      #expect(form.contains("name=\"award_name\"") && form.contains("<option value=\"masked\" selected>"))
      let fields = [
        ("type", "suggestion"), ("campaign", campaign.id.uuidString.lowercased()), ("title", "加装电梯费用分摊应公示"),
        ("body", "加装电梯时各楼层费用分摊不透明，邻里常有争议。"), ("name", "顾女士"), ("phone", "13800138000"),
        ("consent", "yes"), ("visibility", "public"), ("_csrf", author.csrf),
      ]
      let missing = try await post(app, "/write", fields + [("proposal", "")], cookies: author.cookies)
      #expect(missing.0 == .unprocessableEntity && missing.1.contains("建议内容"))
      let written = try await post(
        app, "/write",
        fields + [("proposal", "统一公示分摊办法，联系 13912345678。"), ("benefit", "减少纠纷。"), ("award_name", "full_name")],
        cookies: author.cookies)
      #expect(written.0 == .created)
      let id = try #require(try await store.publicProposals(campaign: campaign.id).first).message.id
      #expect(try await store.proposal(id)?.awardName == .fullName)
      let messagePath = "/messages/\(id.uuidString.lowercased())"
      var page = try await get(app, messagePath).1
      #expect(page.contains("统一公示分摊办法") && page.contains("139****5678") && !page.contains("13912345678"))
      #expect(page.contains("0 人附议") && page.contains("/suggestions/\(id.uuidString.lowercased())/support"))
      let index = try await get(app, "/suggestions").1
      #expect(index.contains("加装电梯费用分摊应公示") && index.contains("常年征集"))
      #expect(try await get(app, "/suggestions?stage=adopted").1.contains("暂无建议"))
      #expect(try await get(app, "/suggestions?stage=nonsense").0 == .badRequest)

      // 附议: without a session the page says how; with one, once per number.
      let supportPath = "/suggestions/\(id.uuidString.lowercased())/support"
      #expect(try await get(app, supportPath).1.contains("我的留言"))
      let first = try await citizen(site, "13900000001", page: "/write")
      #expect(try await get(app, supportPath, cookies: first.cookies).1.contains("确认附议"))
      #expect(try await post(app, supportPath, [], cookies: first.cookies).0 == .forbidden)
      #expect(try await post(app, supportPath, [("_csrf", first.csrf)], cookies: first.cookies).0 == .seeOther)
      let again = try await post(app, supportPath, [("_csrf", first.csrf)], cookies: first.cookies)
      #expect(again.0 == .conflict && again.1.contains("你已附议过"))
      #expect(try await store.message(id)?.status == .received)
      let second = try await citizen(site, "13900000002", page: "/write")
      #expect(try await post(app, supportPath, [("_csrf", second.csrf)], cookies: second.cookies).0 == .seeOther)
      // The threshold sent it to the campaign's unit.
      #expect(try await store.message(id)?.leadUnitID == world.housing.id)
      page = try await get(app, messagePath).1
      #expect(page.contains("2 人附议") && page.contains("交办至"))

      // The unit accepts, evaluates and records the adoption on the case page.
      let handler = try await logIn(app, "zjw.handler")
      #expect(try await act(app, handler, id, "accept").0 == .seeOther)
      let casePage = try await get(app, "/staff/messages/\(id.uuidString.lowercased())", cookies: handler.cookies).1
      #expect(casePage.contains("提交评估结论") && casePage.contains("统一公示分摊办法"))
      let evaluation = "/staff/messages/\(id.uuidString.lowercased())/proposal/evaluation"
      let noReason = try await post(
        app, evaluation, [("outcome", "adopted"), ("reason", " "), ("_csrf", handler.csrf)], cookies: handler.cookies)
      #expect(noReason.0 == .unprocessableEntity && noReason.1.contains("结论说明"))
      #expect(
        try await post(
          app, evaluation, [("outcome", "adopted"), ("reason", "纳入明年改造方案。"), ("_csrf", handler.csrf)],
          cookies: handler.cookies
        ).0 == .seeOther)
      let adoption = "/staff/messages/\(id.uuidString.lowercased())/proposal/adoptions"
      let badLink = try await post(
        app, adoption,
        [("measure", "印发指引"), ("link", "javascript:alert(1)"), ("progress", "50"), ("_csrf", handler.csrf)],
        cookies: handler.cookies)
      #expect(badLink.0 == .unprocessableEntity && badLink.1.contains("文件链接"))
      #expect(
        try await post(
          app, adoption,
          [
            ("measure", "印发加装电梯费用分摊指引"), ("document_title", "费用分摊指导意见"), ("document_number", "示住建发〔2026〕12号"),
            ("document_date", today.description), ("link", "https://zjw.example.gov.cn/12"), ("progress", "60"),
            ("_csrf", handler.csrf),
          ], cookies: handler.cookies
        ).0 == .seeOther)
      page = try await get(app, messagePath).1
      #expect(page.contains("采纳") && page.contains("纳入明年改造方案") && page.contains("示住建发〔2026〕12号"))
      #expect(page.contains("进度 60%") && !page.contains("/support\""))
      // The timeline names the outcome and the progress (both public, as the section above shows them).
      #expect(page.contains("评估结论：采纳") && page.contains("登记转化运用，进度 60%"))
      #expect(try await get(app, "/suggestions?stage=adopted").1.contains("加装电梯费用分摊应公示"))
      // Another unit's handler has no form, and its post is refused.
      let market = try await logIn(app, "scjg.handler")
      #expect(
        try await post(
          app, adoption, [("measure", "m"), ("progress", "1"), ("_csrf", market.csrf)], cookies: market.cookies
        ).0 == .notFound)
    }
  }

  /// 领导批示: the dispatching office records a leader's instruction on the case page, the supervision
  /// office by the API; the units read its words, the public the leader, the day and the summary.
  @Test(arguments: TestDatabase.available)
  func aLeadersInstruction_isRecordedByTheOffice_andThePublicReadsOnlyItsSummary(db: TestDatabase) async throws {
    try await withSite(db, policy: IntakePolicy(moderation: false)) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let today = store.rules.calendar.day(of: site.clock.now)
      let id = try await store.submit(
        Fixtures.newSuggestion("夜间开放机关停车场", leader: world.secretary.id), at: site.clock.now
      ).message.id
      let casePath = "/staff/messages/\(id.uuidString.lowercased())"
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      var casePage = try await get(app, casePath, cookies: dispatcher.cookies).1
      #expect(casePage.contains("登记批示") && casePage.contains("征集附议"))
      let path = casePath + "/proposal/instructions"
      let words = "请市交通局会同机关事务局研究<试点>方案。"
      let missing = try await post(
        app, path, [("leader", ""), ("given_on", today.description), ("text", words), ("_csrf", dispatcher.csrf)],
        cookies: dispatcher.cookies)
      #expect(missing.0 == .unprocessableEntity && missing.1.contains("批示领导"))
      let badDay = try await post(
        app, path, [("leader", "副市长"), ("given_on", "昨天"), ("text", words), ("_csrf", dispatcher.csrf)],
        cookies: dispatcher.cookies)
      #expect(badDay.0 == .unprocessableEntity && badDay.1.contains("批示日期"))
      #expect(
        try await post(app, path, [("leader", "副市长"), ("text", words)], cookies: dispatcher.cookies).0 == .forbidden)
      let (done, _, headers) = try await post(
        app, path,
        [
          ("leader", "市政府分管副市长"), ("given_on", today.description), ("text", words),
          ("public_summary", "批示要求有关部门研究试点，联系 13912345678。"), ("_csrf", dispatcher.csrf),
        ], cookies: dispatcher.cookies)
      #expect(done == .seeOther && headers.first(name: .location)?.contains("done=proposal_instructed") == true)
      casePage = try await get(app, casePath, cookies: dispatcher.cookies).1
      #expect(casePage.contains("市政府分管副市长批示：请市交通局会同机关事务局研究&lt;试点&gt;方案。"))

      // The supervision office records one through the API; a unit's handler may not.
      let json: [String: any Sendable] = ["leader": "市委秘书长", "given_on": today.description, "text": "同意。"]
      let apiPath = "/api/v1/suggestions/\(id.uuidString.lowercased())/instructions"
      let created = try await call(app, .POST, apiPath, token: try await token(app, "dc.supervisor"), json: json)
      #expect(created.0 == .created && created.1.contains("\"leader\":\"市委秘书长\"") && !created.1.contains("同意。"))
      let future = json.merging(["given_on": today.adding(days: 2).description]) { $1 }
      #expect(
        try await call(app, .POST, apiPath, token: try await token(app, "dc.supervisor"), json: future).0
          == .unprocessableEntity)

      // The public page and the API: the leader, the day, the masked summary; never the words.
      let page = try await get(app, "/messages/\(id.uuidString.lowercased())").1
      #expect(page.contains("\(today.description) 市政府分管副市长作出批示") && page.contains("市委秘书长作出批示"))
      #expect(page.contains("139****5678") && !page.contains("13912345678") && !page.contains("试点&gt;方案"))
      let api = try await get(app, "/api/v1/suggestions/\(id.uuidString.lowercased())").1
      #expect(api.contains("\"instructions\"") && api.contains("市政府分管副市长") && api.contains("\"state\":\"submitted\""))
      #expect(!api.contains("试点>方案") && !api.contains("13912345678"))
      let recorded = try await store.instructions(of: id)
      #expect(recorded.map(\.recordedBy) == ["xfb.dispatcher", "dc.supervisor"])
    }
  }

  /// 转为人民建议: the dispatching office makes a 建议 message from the board a suggestion of a campaign.
  @Test(arguments: TestDatabase.available)
  func theDispatcher_makesASuggestionMessage_aSuggestion(db: TestDatabase) async throws {
    try await withSite(db, policy: IntakePolicy(moderation: false)) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let id = try await store.submit(
        Fixtures.newMessage(title: "建议增开夜班公交", type: .suggestion, leader: world.secretary.id), at: site.clock.now
      ).message.id
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      #expect(!(try await get(app, "/staff/pool?section=proposals", cookies: dispatcher.cookies).1.contains("增开夜班公交")))
      let path = "/staff/messages/\(id.uuidString.lowercased())"
      #expect(try await get(app, path, cookies: dispatcher.cookies).1.contains("转为人民建议"))
      #expect(
        try await post(
          app, path + "/proposal", [("campaign", Campaign.generalID.uuidString), ("_csrf", dispatcher.csrf)],
          cookies: dispatcher.cookies
        ).0 == .seeOther)
      #expect(try await store.proposal(id)?.campaignID == Campaign.generalID)
      // The pool's 建议征集 section lists it with its supports and campaign, for the dispatching office only.
      let queue = try await get(app, "/staff/pool", cookies: dispatcher.cookies).1
      #expect(queue.contains("建议征集") && queue.contains("增开夜班公交") && queue.contains("0 人附议、常年征集"))
      let county = try await logIn(app, "xq.dispatcher")
      #expect(!(try await get(app, "/staff/pool?section=proposals", cookies: county.cookies).1.contains("增开夜班公交")))
      #expect(try await get(app, "/messages/\(id.uuidString.lowercased())").1.contains("我要附议"))
      let again = try await post(
        app, path + "/proposal", [("_csrf", dispatcher.csrf)], cookies: dispatcher.cookies)
      #expect(again.0 == .forbidden && again.1.contains("已是人民建议"))
    }
  }

  /// 来信来电的建议: an operator enters a suggestion taken by phone into a campaign; a proposal with
  /// another type is refused, naming the type.
  @Test(arguments: TestDatabase.available)
  func anOperator_entersASuggestionTakenByPhone(db: TestDatabase) async throws {
    try await withSite(db, policy: IntakePolicy(moderation: false)) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let operatorBrowser = try await logIn(app, "xfb.dispatcher")
      let form = try await get(app, "/staff/intake", cookies: operatorBrowser.cookies).1
      #expect(form.contains("name=\"proposal\"") && form.contains("常年征集"))
      let fields: [(String, String)] = [
        ("channel", "hotline"), ("board", world.secretary.id.uuidString), ("title", "建议公园延长开放时间"),
        ("body", "来电人反映夏季傍晚公园关门太早。"), ("name", "陈先生"), ("phone", "13800138000"),
        ("visibility", "public"), ("campaign", Campaign.generalID.uuidString), ("proposal", "夏季开放到晚上十点。"),
        ("benefit", "方便市民纳凉锻炼。"), ("_csrf", operatorBrowser.csrf),
      ]
      let wrongType = try await post(
        app, "/staff/intake", fields + [("type", "complaint")], cookies: operatorBrowser.cookies)
      #expect(wrongType.0 == .unprocessableEntity && wrongType.1.contains("类型"))
      let (status, _, headers) = try await post(
        app, "/staff/intake", fields + [("type", "suggestion")], cookies: operatorBrowser.cookies)
      #expect(status == .seeOther)
      let id = try #require(
        headers.first(name: .location).flatMap { $0.split(separator: "/").last?.split(separator: "?").first }
          .flatMap { UUID(uuidString: String($0)) })
      let proposal = try #require(try await store.proposal(id))
      #expect(proposal.campaignID == Campaign.generalID && proposal.proposal == "夏季开放到晚上十点。")
      #expect(try await store.message(id)?.channel == .hotline)
    }
  }
}
