import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Synchronization
import Testing
import VaporTesting

/// 发布审核, banned words, rate limits, one-time codes and 我的留言, through the real routes.
@Suite struct ModerationTests: SiteTesting {
  // MARK: Moderation

  @Test(arguments: TestDatabase.available)
  func moderation_holdsPublicMessagesBack_publishesARedactedText_andKeepsTheOriginalForStaff(
    db: TestDatabase
  ) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      var input = Fixtures.newMessage(title: "幸福小区夜间施工", leader: world.secretary.id)
      input.body = "我家住幸福小区5栋2单元，工地每晚施工到凌晨。"
      let id = try await store.submit(input, at: Fixtures.now).message.id
      #expect(try await store.message(id)?.publication == .pending)
      // Not public anywhere yet.
      #expect(try await get(app, "/messages/\(id)").0 == .notFound)
      #expect(try await call(app, .GET, "api/v1/messages/\(id)").0 == .notFound)
      #expect(!(try await get(app, "/messages?q=%E5%B9%B8%E7%A6%8F").1.contains("幸福小区夜间施工")))

      let dispatcher = try await token(app, "xfb.dispatcher")
      let other = try await token(app, "xq.dispatcher")
      let handler = try await token(app, "scjg.handler")
      let (status, queue, _) = try await call(app, .GET, "api/v1/staff/moderation", token: dispatcher)
      #expect(status == .ok)
      #expect(queue.contains(#""backlog":1"#))
      #expect(queue.contains("幸福小区5栋2单元"))
      #expect(try await call(app, .GET, "api/v1/staff/moderation", token: other).1.contains(#""backlog":0"#))
      #expect(try await call(app, .GET, "api/v1/staff/moderation", token: handler).0 == .forbidden)
      #expect(try await call(app, .GET, "api/v1/staff/moderation").0 == .unauthorized)

      let publish: [String: any Sendable] = [
        "decision": "publish", "public_title": "某小区夜间施工", "public_body": "我家住某小区，工地每晚施工到凌晨。",
      ]
      let path = "api/v1/messages/\(id)/moderation"
      #expect(try await call(app, .POST, path, token: other, json: publish).0 == .forbidden)
      #expect(try await call(app, .POST, path, token: handler, json: publish).0 == .forbidden)
      #expect(
        try await call(app, .POST, path, token: dispatcher, json: ["decision": "maybe"]).0 == .unprocessableEntity)
      let (published, answer, _) = try await call(app, .POST, path, token: dispatcher, json: publish)
      #expect(published == .ok, "\(answer)")
      #expect(answer.contains(#""publication":"published""#))

      let page = try await get(app, "/messages/\(id)")
      #expect(page.0 == .ok)
      #expect(page.1.contains("我家住某小区"))
      #expect(!page.1.contains("幸福"))
      #expect(!page.1.contains("审核发布"))
      #expect(!(try await call(app, .GET, "api/v1/messages/\(id)").1.contains("幸福")))
      try await store.indexPendingSearch()
      #expect(!(try await get(app, "/messages?q=%E5%B9%B8%E7%A6%8F").1.contains("某小区夜间施工")))
      #expect(try await get(app, "/messages?q=%E6%9F%90%E5%B0%8F%E5%8C%BA").1.contains("<mark>某小区</mark>夜间施工"))
      // Staff keep the original.
      let detail = try await call(app, .GET, "api/v1/staff/messages/\(id)", token: dispatcher).1
      #expect(detail.contains("幸福小区5栋2单元"))
      #expect(detail.contains(#""publication":"published""#))

      // Withholding needs a reason, and hides the message again.
      let withhold = ["decision": "withhold", "reason": "  "]
      #expect(try await call(app, .POST, path, token: dispatcher, json: withhold).0 == .unprocessableEntity)
      let admin = try await token(app, "admin")
      let reason = ["decision": "withhold", "reason": "含他人隐私"]
      #expect(try await call(app, .POST, path, token: admin, json: reason).0 == .ok)
      #expect(try await get(app, "/messages/\(id)").0 == .notFound)
      let events = try await store.events(of: id)
      #expect(events.filter { $0.draft.action == .moderated }.count == 2)
      #expect(events.last?.draft.note == "含他人隐私")
      #expect(events.last?.draft.visibility == .internal)
      #expect(try await store.verifyAudit().firstBreak == nil)
      // The message is handled all the same.
      try await store.perform(.assign(lead: world.market.id), on: id, by: world.dispatcher, at: Fixtures.now)
      #expect(try await store.message(id)?.publication == .withheld)
    }
  }

  @Test(arguments: TestDatabase.available)
  func write_underModeration_promisesPublicationAfterReview_andTheAuthorSeesItOnTrack(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (cookie, token) = try await formToken(site.app)
      let (status, html, headers) = try await post(
        site.app, "/write",
        Self.writeFields(site.world, title: "路灯不亮", body: "滨江路路灯坏了一个月。") + [("_csrf", token)], cookies: cookie)
      #expect(status == .created)
      #expect(html.contains("您的留言将在审核后公开显示"))
      let track = try #require(Self.cookie("minsheng_track", in: headers))
      let page = try await get(site.app, "/track", cookies: cookie + "; " + track)
      #expect(page.1.contains("公开状态：待审核，审核通过后公开"))
    }
  }

  // MARK: Banned words

  @Test(arguments: TestDatabase.available)
  func bannedWords_blockOrFlagAtIntake_andOnlyAdminsEditThem_withEveryChangeRecorded(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let app = site.app
      let admin = try await token(app, "admin")
      let dispatcher = try await token(app, "xfb.dispatcher")
      let (created, blockJSON, _) = try await call(
        app, .POST, "api/v1/banned-words", token: admin, json: ["word": "笨蛋", "severity": "block"])
      #expect(created == .created)
      #expect(
        try await call(app, .POST, "api/v1/banned-words", token: admin, json: ["word": "拆迁", "severity": "review"]).0
          == .created)
      #expect(
        try await call(app, .POST, "api/v1/banned-words", token: admin, json: ["word": "笨蛋", "severity": "review"]).0
          == .conflict)
      #expect(
        try await call(app, .POST, "api/v1/banned-words", token: admin, json: ["word": " ，", "severity": "block"]).0
          == .unprocessableEntity)
      #expect(
        try await call(app, .POST, "api/v1/banned-words", token: dispatcher, json: ["word": "坏", "severity": "block"]).0
          == .forbidden)

      let (cookie, token) = try await formToken(app)
      // Written with a space and full-width letters in between: still found, and named.
      let refused = try await post(
        app, "/write", Self.writeFields(site.world, title: "这些笨 蛋", body: "工地夜里施工。") + [("_csrf", token)],
        cookies: cookie)
      #expect(refused.0 == .unprocessableEntity)
      #expect(refused.1.contains("含有不允许使用的词语「笨蛋」"))
      #expect(refused.1.contains(#"value="这些笨 蛋""#))
      let flagged = try await post(
        app, "/write", Self.writeFields(site.world, title: "拆迁补偿问题", body: "补偿标准不清楚。") + [("_csrf", token)],
        cookies: cookie)
      #expect(flagged.0 == .created)
      let queue = try await call(app, .GET, "api/v1/staff/moderation", token: dispatcher).1
      #expect(queue.contains(#""flagged":["拆迁"]"#))

      let object = try #require(try JSONSerialization.jsonObject(with: Data(blockJSON.utf8)) as? [String: Any])
      let id = try #require(object["id"] as? String)
      #expect(try await call(app, .DELETE, "api/v1/banned-words/\(id)", token: dispatcher).0 == .forbidden)
      #expect(try await call(app, .DELETE, "api/v1/banned-words/\(id)", token: admin).0 == .noContent)
      #expect(!(try await call(app, .GET, "api/v1/banned-words", token: admin).1.contains("笨蛋")))
      let changes = try await site.store.referenceChanges(of: try #require(UUID(uuidString: id)))
      #expect(changes.map(\.action) == ["create", "delete"])
      #expect(changes.first?.actorID == "admin")
    }
  }

  // MARK: Rate limits and the source region

  @Test(arguments: TestDatabase.available)
  func rateLimits_perPhoneAndPerAddress_answer429_andKeepOnlyTheRegionOfTheAddress(db: TestDatabase) async throws {
    let policy = IntakePolicy(
      moderation: false, perPhone: RateLimit(count: 2, window: 86_400), perAddress: RateLimit(count: 3, window: 3_600))
    let intake = CitizenIntake(
      verifyPhone: false, trustForwardedFor: true, regions: try IPRegionTable(csv: "203.0.113.0/24,示范市\n"))
    try await withSite(db, policy: policy, intake: intake) { site in
      let app = site.app
      func message(_ phone: String) -> [String: any Sendable] {
        [
          "type": "complaint", "title": "夜间施工噪音", "body": "工地夜里施工。",
          "contact": ["name": "顾女士", "phone": phone] as [String: any Sendable],
        ]
      }
      let from = [("X-Forwarded-For", "203.0.113.7, 10.0.0.1")]
      let first = try await call(app, .POST, "api/v1/messages", json: message("13800138000"), headers: from)
      #expect(first.0 == .created)
      #expect(
        try await call(app, .POST, "api/v1/messages", json: message("138 0013 8000"), headers: from).0 == .created)
      let (third, text, headers) = try await call(
        app, .POST, "api/v1/messages", json: message("13800138000"), headers: from)
      #expect(third == .tooManyRequests)
      #expect(text.contains("同一手机号每天最多提交 2 条留言"))
      #expect(Int(headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
      // The refused message was not counted for the address: a third number still gets through …
      #expect(try await call(app, .POST, "api/v1/messages", json: message("13900139000"), headers: from).0 == .created)
      // … and the fourth from the address is one too many.
      let fourth = try await call(app, .POST, "api/v1/messages", json: message("13700137000"), headers: from)
      #expect(fourth.0 == .tooManyRequests)
      #expect(fourth.1.contains("同一网络地址每小时最多提交 3 条留言"))
      // Another address is not limited; after the hour the first one is free again.
      #expect(
        try await call(
          app, .POST, "api/v1/messages", json: message("13600136000"), headers: [("X-Forwarded-For", "198.51.100.1")]
        ).0
          == .created)
      site.clock.advance(3_600)
      #expect(try await call(app, .POST, "api/v1/messages", json: message("13500135000"), headers: from).0 == .created)

      let object = try #require(try JSONSerialization.jsonObject(with: Data(first.1.utf8)) as? [String: Any])
      let id = try #require(object["id"] as? String)
      let detail = try await call(app, .GET, "api/v1/staff/messages/\(id)", token: try await token(app, "admin")).1
      #expect(detail.contains(#""source_region":"示范市""#))
      #expect(!detail.contains("203.0.113.7"))
      #expect(try await site.store.message(try #require(UUID(uuidString: id)))?.sourceRegion == "示范市")
    }
  }

  // MARK: One-time codes and 我的留言

  @Test(arguments: TestDatabase.available)
  func phoneCode_isNeededToWrite_comesThroughTheOutbox_andOpensMyMessages(db: TestDatabase) async throws {
    try await withSite(db, policy: .open, intake: CitizenIntake(verifyPhone: true)) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let (cookie, token) = try await formToken(app)
      let fields = Self.writeFields(world, title: "夜间施工噪音", body: "工地夜里施工。") + [("_csrf", token)]
      let noCode = try await post(app, "/write", fields, cookies: cookie)
      #expect(noCode.0 == .unprocessableEntity)
      #expect(noCode.1.contains("验证码不正确或已过期"))

      let sent = try await post(app, "/write/code", fields, cookies: cookie, accept: "application/json")
      #expect(sent.0 == .ok)
      #expect(sent.1.contains("138****8000"))
      let again = try await post(app, "/write/code", fields, cookies: cookie, accept: "application/json")
      #expect(again.0 == .tooManyRequests)
      let sms = try #require(try await store.outbox(recipient: "13800138000").first)
      #expect(sms.channel == "sms")
      let code = String(try #require(sms.body.firstMatch(of: /[0-9]{6}/)).output)
      #expect(!(try await store.outbox().contains { $0.body.contains("13800138000") }))

      let wrong = String(format: "%06d", (Int(code)! + 1) % 1_000_000)
      #expect(try await post(app, "/write", fields + [("code", wrong)], cookies: cookie).0 == .unprocessableEntity)
      #expect(try await post(app, "/write", fields + [("code", code)], cookies: cookie).0 == .created)
      // A code is good once.
      #expect(try await post(app, "/write", fields + [("code", code)], cookies: cookie).0 == .unprocessableEntity)
      // Another number's message, and the same number typed differently.
      var other = Fixtures.newMessage(title: "别人的留言", leader: world.secretary.id)
      other.contact.phone = "13900139000"
      let otherID = try await store.submit(other, at: Fixtures.now).message.id
      var mine = Fixtures.newMessage(title: "我不公开的留言", leader: world.secretary.id)
      mine.contact.phone = "+86 138-0013-8000"
      mine.isPublic = false
      let mineID = try await store.submit(mine, at: Fixtures.now).message.id

      // Log in with a new code, a minute later.
      site.clock.advance(61)
      let account = try await formToken(app, "/account")
      let login = [("phone", "13800138000"), ("_csrf", account.token)]
      #expect(try await post(app, "/account/code", login, cookies: account.cookie).0 == .ok)
      let loginCode = String(
        try #require(try await store.outbox(recipient: "13800138000").first?.body.firstMatch(of: /[0-9]{6}/)).output)
      #expect(
        try await post(app, "/account/login", login + [("code", "000000")], cookies: account.cookie).0
          == .unprocessableEntity)
      let (status, _, headers) = try await post(
        app, "/account/login", login + [("code", loginCode)], cookies: account.cookie)
      #expect(status == .seeOther)
      let session = try #require(Self.cookie("minsheng_citizen", in: headers))
      let cookies = account.cookie + "; " + session
      let mySite = try await get(app, "/account", cookies: cookies)
      #expect(mySite.1.contains("夜间施工噪音"))
      #expect(mySite.1.contains("我不公开的留言"))
      #expect(!mySite.1.contains("别人的留言"))
      #expect(mySite.1.contains("138****8000"))

      // Open my private message on the track page; another number's message cannot be opened.
      let (opened, _, openHeaders) = try await post(
        app, "/account/open", [("id", mineID.uuidString), ("_csrf", account.token)], cookies: cookies)
      #expect(opened == .seeOther)
      let tracked = try #require(Self.cookie("minsheng_case", in: openHeaders))
      let track = try await get(app, "/track", cookies: cookies + "; " + tracked)
      #expect(track.1.contains("我不公开的留言"))
      #expect(try await get(app, "/track", cookies: account.cookie + "; " + tracked).1.contains("我不公开的留言") == false)
      #expect(
        try await post(app, "/account/open", [("id", otherID.uuidString), ("_csrf", account.token)], cookies: cookies).0
          == .notFound)
      // Logged in, the write form needs no code for the verified number.
      let verified = try await post(
        app, "/write", Self.writeFields(world, title: "第二条留言", body: "又一个问题。") + [("_csrf", account.token)],
        cookies: cookies)
      #expect(verified.0 == .created)
      // Logout ends the session on the server.
      #expect(try await post(app, "/account/logout", [("_csrf", account.token)], cookies: cookies).0 == .seeOther)
      #expect(!(try await get(app, "/account", cookies: cookies).1.contains("我不公开的留言")))

      // The outbox is sent once, whatever runs it.
      let sender = RecordingSender()
      #expect(try await store.deliverOutbox(using: [sender], at: site.clock.now) == 2)
      #expect(try await store.deliverOutbox(using: [sender], at: site.clock.now) == 0)
      #expect(sender.sent.count == 2)
    }
  }

  /// A suggestion's own texts are moderated too: the moderator sees the proposal and the benefit on
  /// the queue, publishes them redacted, the public reads the redaction, the units the original.
  @Test(arguments: TestDatabase.available)
  func aSuggestionsProposal_isRedactedByTheModerator_andTheOriginalKeptForStaff(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      var input = Fixtures.newSuggestion("老旧小区加装电梯", leader: world.secretary.id)
      input.proposal?.proposal = "请住在幸福小区5栋的张建国牵头，统一公示费用分摊办法。"
      input.proposal?.benefit = "减少邻里纠纷，张建国也同意。"
      let id = try await store.submit(input, at: Fixtures.now).message.id
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      let queue = try await get(app, "/staff/moderation", cookies: dispatcher.cookies).1
      #expect(queue.contains("name=\"public_proposal\"") && queue.contains("请住在幸福小区5栋的张建国牵头"))
      let path = "/staff/moderation/\(id.uuidString.lowercased())"
      // The proposal cannot be emptied; nothing is published then.
      let emptied = try await post(
        app, path, [("decision", "publish"), ("public_proposal", "  "), ("_csrf", dispatcher.csrf)],
        cookies: dispatcher.cookies)
      #expect(emptied.0 == .unprocessableEntity)
      #expect(try await store.message(id)?.publication == .pending)
      let published = try await post(
        app, path,
        [
          ("decision", "publish"), ("public_proposal", "请小区住户代表牵头，统一公示费用分摊办法。"),
          ("public_benefit", "减少邻里纠纷。"), ("_csrf", dispatcher.csrf),
        ], cookies: dispatcher.cookies)
      #expect(published.0 == .ok)
      #expect(try await store.message(id)?.publication == .published)
      let page = try await get(app, "/messages/\(id.uuidString.lowercased())").1
      #expect(page.contains("请小区住户代表牵头") && !page.contains("张建国"))
      let api = try await call(app, .GET, "/api/v1/suggestions/\(id.uuidString.lowercased())").1
      #expect(api.contains("请小区住户代表牵头") && !api.contains("张建国"))
      // The units read what the author wrote; the event says what was redacted.
      let proposal = try #require(try await store.proposal(id))
      #expect(proposal.proposal.contains("张建国") && proposal.publicProposal == "请小区住户代表牵头，统一公示费用分摊办法。")
      let moderated = try await store.events(of: id).last { $0.draft.action == .moderated }
      #expect(moderated?.draft.payload["redacted"] == "proposal,benefit")
      #expect(try await store.verifyAudit().isIntact)
    }
  }
}

final class RecordingSender: OutboxSender {
  private let texts = Mutex<[String]>([])
  var channel: String { "sms" }
  var sent: [String] { texts.withLock { $0 } }
  func send(to recipient: String, body: String) async throws { texts.withLock { $0.append(recipient + " " + body) } }

}
