import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// The staff workbench in the browser: login, the case page and its actions, moderation, operators'
/// intake, the knowledge base, and the role × unit checks on every page and action.
@Suite struct StaffPagesTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func login_opensASession_everyPageNeedsIt_andEveryFormNeedsItsToken(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let app = site.app
      var request = Fixtures.newMessage(
        title: "工地夜间施工", leader: site.world.secretary.id, category: site.world.construction.id)
      request.urgent = true
      let id = try await site.store.submit(request, at: Fixtures.now).message.id
      // Without a session: to the login page.
      var location = ""
      try await app.testing().test(.GET, "/staff/pool") { response in
        #expect(response.status == .seeOther)
        location = response.headers.first(name: .location) ?? ""
      }
      #expect(location == "/staff/login")
      let (formCookie, token) = try await formToken(app, "/staff/login")
      let wrong = try await post(
        app, "/staff/login", [("username", "xfb.dispatcher"), ("password", "wrong password!"), ("_csrf", token)],
        cookies: formCookie)
      #expect(wrong.0 == .unauthorized)
      #expect(wrong.1.contains("用户名或密码错误"))
      #expect(wrong.1.contains(#"value="xfb.dispatcher""#))
      let forged = try await post(
        app, "/staff/login", [("username", "xfb.dispatcher"), ("password", sitePassword)], cookies: formCookie)
      #expect(forged.0 == .forbidden)

      let dispatcher = try await logIn(app, "xfb.dispatcher")
      let pool = try await get(app, "/staff/pool", cookies: dispatcher.cookies)
      #expect(pool.0 == .ok)
      #expect(pool.1.contains("交办池"))
      #expect(pool.1.contains("工地夜间施工"))
      #expect(pool.1.contains("规则建议：市住建委"))
      #expect(pool.1.contains(#"<span class="urgent">急</span>"#))
      #expect(pool.1.contains("xfb.dispatcher（交办员 · 市信访办）"))
      // A form without the session's token, or with another: refused, nothing done.
      let lead = ("lead_unit", site.world.housing.id.uuidString)
      #expect(
        try await post(app, "/staff/messages/\(id)/actions/assign", [lead], cookies: dispatcher.cookies).0 == .forbidden
      )
      #expect(
        try await post(
          app, "/staff/messages/\(id)/actions/assign", [lead, ("_csrf", String(repeating: "x", count: 43))],
          cookies: dispatcher.cookies
        ).0 == .forbidden)
      #expect(try await site.store.message(id)?.status == .received)
      // Logout ends the session on the server.
      #expect(
        try await post(app, "/staff/logout", [("_csrf", dispatcher.csrf)], cookies: dispatcher.cookies).0 == .seeOther)
      try await app.testing().test(
        .GET, "/staff/pool", beforeRequest: { $0.headers.replaceOrAdd(name: .cookie, value: dispatcher.cookies) }
      ) { response in #expect(response.status == .seeOther) }
    }
  }

  @Test(arguments: TestDatabase.available)
  func aCaseGoesThroughTheWorkbench_assign_accept_note_reply_review_publish(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let id = try await store.submit(
        Fixtures.newMessage(title: "滨江路工地夜间施工", leader: world.secretary.id), at: Fixtures.now
      ).message.id
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      let page = try await get(app, "/staff/messages/\(id)", cookies: dispatcher.cookies)
      #expect(page.0 == .ok)
      #expect(page.1.contains("13800138000"))
      #expect(page.1.contains(#"id="a-assign""#))
      #expect(page.1.contains(#"id="a-mark_invalid""#))
      #expect(!page.1.contains(#"id="a-accept""#))
      // A missing unit is named; then the assignment.
      let missing = try await act(app, dispatcher, id, "assign", [("instruction", "请核查")])
      #expect(missing.0 == .unprocessableEntity)
      #expect(missing.1.contains("主办单位"))
      let (assigned, _, headers) = try await act(
        app, dispatcher, id, "assign",
        [
          ("lead_unit", world.housing.id.uuidString), ("assisting_units[]", world.market.id.uuidString),
          ("instruction", "请三日内核查"),
        ])
      #expect(assigned == .seeOther)
      #expect(headers.first(name: .location)?.hasSuffix("?done=assign") == true)
      #expect(try await store.message(id)?.assistingUnitIDs == [world.market.id])

      let handler = try await logIn(app, "zjw.handler")
      let inbox = try await get(app, "/staff/inbox", cookies: handler.cookies)
      #expect(inbox.1.contains("滨江路工地夜间施工"))
      #expect(inbox.1.contains("due-ok"))
      // The assisting unit sees it among 协办 and may give its input, not accept.
      let market = try await logIn(app, "scjg.handler")
      #expect(try await get(app, "/staff/inbox", cookies: market.cookies).1.contains("滨江路工地夜间施工"))
      let assisting = try await get(app, "/staff/messages/\(id)", cookies: market.cookies)
      // Before the lead unit accepts there is nothing to contribute to, and accepting is not theirs.
      #expect(!assisting.1.contains(#"id="a-accept""#))
      #expect(!assisting.1.contains(#"id="a-contribute""#))
      #expect(try await act(app, market, id, "accept").0 == .forbidden)

      #expect(try await act(app, handler, id, "accept").0 == .seeOther)
      // Once accepted, the assisting unit may give its input (协办意见), and still not reply.
      let assistingNow = try await get(app, "/staff/messages/\(id)", cookies: market.cookies).1
      #expect(assistingNow.contains(#"id="a-contribute""#))
      #expect(!assistingNow.contains(#"id="a-reply""#))
      #expect(try await act(app, handler, id, "note", [("note", "已电话联系顾女士，约定明日到现场。")]).0 == .seeOther)
      #expect(try await act(app, handler, id, "reply", [("body", "经现场核查，已责令施工单位夜间停工。")]).0 == .seeOther)
      #expect(try await store.message(id)?.status == .reviewing)
      // A stale form: the version moved on.
      #expect(try await act(app, handler, id, "note", [("note", "旧页面"), ("expected_version", "1")]).0 == .conflict)

      let reviewer = try await logIn(app, "zjw.reviewer")
      let review = try await get(app, "/staff/messages/\(id)", cookies: reviewer.cookies)
      #expect(review.1.contains("待审核的答复"))
      #expect(review.1.contains("经现场核查"))
      #expect(review.1.contains("已电话联系顾女士"))
      #expect(try await act(app, reviewer, id, "approve_reply").0 == .seeOther)
      #expect(try await store.message(id)?.status == .replied)
      // The public page shows the reply, not the internal note.
      let (_, publicPage) = try await get(app, "/messages/\(id)")
      #expect(publicPage.contains("已责令施工单位夜间停工"))
      #expect(!publicPage.contains("已电话联系顾女士"))
      #expect(try await store.verifyAudit().isIntact)
    }
  }

  @Test(arguments: TestDatabase.available)
  func roleAndUnit_aHandlerOfAnotherUnitGetsNothing_onAnyPageOrAction(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let id = try await store.submit(
        Fixtures.newMessage(title: "住建委的件", leader: world.secretary.id), at: Fixtures.now
      ).message.id
      try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: Fixtures.now)
      let png = try #require(
        Data(
          base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")
      )
      let withImage = try await store.submit(
        Fixtures.newMessage(title: "带图片的件", leader: world.secretary.id), at: Fixtures.now, images: [png]
      ).message.id
      try await store.perform(.assign(lead: world.housing.id), on: withImage, by: world.dispatcher, at: Fixtures.now)
      let image = try #require(try await store.attachments(of: withImage).first).id

      let outsider = try await logIn(app, "scjg.handler")
      #expect(try await get(app, "/staff/messages/\(id)", cookies: outsider.cookies).0 == .notFound)
      for action in Action.allCases {
        let (status, _, _) = try await act(
          app, outsider, id, action.rawValue, [("reason", "试试"), ("note", "试试"), ("body", "试试")])
        #expect(status == .notFound, "\(action)")
      }
      #expect(try await get(app, "/staff/media/\(image)", cookies: outsider.cookies).0 == .notFound)
      #expect(try await get(app, "/staff/pool", cookies: outsider.cookies).0 == .forbidden)
      #expect(try await get(app, "/staff/supervision", cookies: outsider.cookies).0 == .forbidden)
      #expect(try await get(app, "/staff/moderation", cookies: outsider.cookies).0 == .forbidden)
      // Another office's dispatcher neither.
      let county = try await logIn(app, "xq.dispatcher")
      #expect(try await get(app, "/staff/messages/\(id)", cookies: county.cookies).0 == .notFound)
      #expect(try await act(app, county, id, "reassign", [("lead_unit", world.market.id.uuidString)]).0 == .notFound)
      #expect(!(try await get(app, "/staff/pool", cookies: county.cookies).1.contains("住建委的件")))
      // The lead unit's handler reads it and its image; the pool is not theirs.
      let handler = try await logIn(app, "zjw.handler")
      #expect(try await get(app, "/staff/messages/\(id)", cookies: handler.cookies).0 == .ok)
      #expect(try await get(app, "/staff/media/\(image)", cookies: handler.cookies).0 == .ok)
      #expect(try await get(app, "/staff/pool", cookies: handler.cookies).0 == .forbidden)
      #expect(try await get(app, "/staff/inbox", cookies: county.cookies).0 == .forbidden)
      #expect(try await store.message(id)?.version == 2)
    }
  }

  /// 联系记录: the note form doubles as the contact log — how and when the unit reached the author —
  /// shown in order on the case, stored with the event, never public.
  @Test(arguments: TestDatabase.available)
  func contactLog_recordsHowAndWhen_onTheCaseOnly(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let id = try await store.submit(
        Fixtures.newMessage(title: "联系记录测试", leader: world.secretary.id), at: Fixtures.now
      )
      .message.id
      try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: Fixtures.now)
      let handler = try await logIn(app, "zjw.handler")
      // Fixtures.now is 2026-03-04 10:00 in Beijing.
      let phoned = try await act(
        app, handler, id, "note",
        [("contact_kind", "phoned"), ("contacted_at", "2026-03-04T09:30"), ("note", "留言人同意周五上午现场查看")])
      #expect(phoned.0 == .seeOther)
      let later = try await act(
        app, handler, id, "note", [("contact_kind", "visited"), ("contacted_at", "2026-03-05T09:30"), ("note", "未来")])
      #expect(later.0 == .unprocessableEntity)
      #expect(later.1.contains("联系时间不能晚于现在"))
      let unknown = try await act(
        app, handler, id, "note", [("contact_kind", "pigeon"), ("contacted_at", "2026-03-04T09:00"), ("note", "x")])
      #expect(unknown.0 == .unprocessableEntity)
      #expect(unknown.1.contains("联系方式：请从列表中选择"))
      #expect(try await act(app, handler, id, "note", [("note", "只是内部备注")]).0 == .seeOther)

      let page = try await get(app, "/staff/messages/\(id.uuidString.lowercased())", cookies: handler.cookies).1
      #expect(page.contains("联系记录：电话联系留言人（2026年3月4日 09:30）"))
      #expect(page.contains("留言人同意周五上午现场查看"))
      #expect(page.contains(#"<option value="phoned">"#), "the form offers the contact log")
      let notes = try await store.events(of: id).map(\.draft).filter { $0.action == .workflow(.note) }
      #expect(notes.count == 2)
      #expect(notes[0].payload["contact_kind"] == "phoned")
      #expect(notes[0].payload["contacted_at"] == String(Int64((Fixtures.now.timeIntervalSince1970 - 1_800) * 1000)))
      #expect(notes[1].payload["contact_kind"] == nil)
      // Over the API too, and never on the public page.
      let token = try await token(app, "zjw.handler")
      let api = try await call(
        app, .POST, "/api/v1/messages/\(id.uuidString)/actions/note", token: token,
        json: ["note": "现场核查，噪音属实", "contact_kind": "visited", "contacted_at": "2026-03-04T01:45:00Z"])
      #expect(api.0 == .ok)
      #expect(try await store.events(of: id).last?.draft.payload["contact_kind"] == "visited")
      let publicPage = try await get(app, "/messages/\(id.uuidString.lowercased())").1
      #expect(publicPage.contains("联系记录测试"))
      #expect(!publicPage.contains("联系记录：") && !publicPage.contains("留言人同意"))
    }
  }

  /// The supervision board against the core: over cases in every status, assigned, accepted and
  /// extended at different times, with an urgent one, its 已超期 section lists exactly the messages
  /// `DeadlineStatus.of` calls overdue and its 即将到期 section exactly those it calls due soon.
  @Test(arguments: TestDatabase.available)
  func moderationPage_publishesARedactedText_orWithholdsWithAReason(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      var input = Fixtures.newMessage(title: "幸福小区施工", leader: world.secretary.id)
      input.body = "我住幸福小区5栋，夜里施工。"
      let first = try await store.submit(input, at: Fixtures.now).message
      let second = try await store.submit(
        Fixtures.newMessage(title: "另一条", leader: world.secretary.id), at: Fixtures.now
      )
      .message
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      let page = try await get(app, "/staff/moderation", cookies: dispatcher.cookies)
      #expect(page.1.contains("待审核 2 件"))
      #expect(page.1.contains("我住幸福小区5栋"))
      let published = try await post(
        app, "/staff/moderation/\(first.id)",
        [
          ("decision", "publish"), ("public_title", "某小区施工"), ("public_body", "我住某小区，夜里施工。"),
          ("expected_version", String(first.version)), ("_csrf", dispatcher.csrf),
        ], cookies: dispatcher.cookies)
      #expect(published.0 == .ok)
      #expect(published.1.contains("已公开"))
      #expect(try await get(app, "/messages/\(first.id)").1.contains("我住某小区"))
      let noReason = try await post(
        app, "/staff/moderation/\(second.id)", [("decision", "withhold"), ("_csrf", dispatcher.csrf)],
        cookies: dispatcher.cookies)
      #expect(noReason.0 == .unprocessableEntity)
      #expect(
        try await post(
          app, "/staff/moderation/\(second.id)",
          [("decision", "withhold"), ("reason", "重复提交"), ("_csrf", dispatcher.csrf)],
          cookies: dispatcher.cookies
        ).0 == .ok)
      #expect(try await store.message(second.id)?.publication == .withheld)
      let county = try await logIn(app, "xq.dispatcher")
      #expect(
        try await post(
          app, "/staff/moderation/\(second.id)", [("decision", "publish"), ("_csrf", county.csrf)],
          cookies: county.cookies
        ).0 == .notFound)
    }
  }

  @Test(arguments: TestDatabase.available)
  func operatorsIntake_recordsAPhoneCall_andAnswersItAtOnce_orLeavesItForDispatch(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let operatorBrowser = try await logIn(app, "xfb.dispatcher")
      let form = try await get(app, "/staff/intake", cookies: operatorBrowser.cookies)
      #expect(form.0 == .ok)
      #expect(form.1.contains("市委书记"))
      let fields: [(String, String)] = [
        ("channel", "hotline"), ("board", world.secretary.id.uuidString), ("type", "consultation"),
        ("title", "咨询公积金提取"), ("body", "来电人询问租房提取公积金需要哪些材料。"), ("name", "陈先生"),
        ("phone", "13800138000"), ("visibility", "public"), ("_csrf", operatorBrowser.csrf),
      ]
      let missing = try await post(
        app, "/staff/intake", fields.filter { $0.0 != "title" }, cookies: operatorBrowser.cookies)
      #expect(missing.0 == .unprocessableEntity)
      #expect(missing.1.contains("标题"))
      #expect(missing.1.contains("来电人询问租房提取公积金"))

      let answered = try await post(
        app, "/staff/intake", fields + [("answer", "租房提取需身份证、租赁合同和完税证明，可在网上办理。")],
        cookies: operatorBrowser.cookies)
      #expect(answered.0 == .seeOther)
      let id = try #require(
        answered.2.first(name: .location).flatMap { $0.split(separator: "/").last?.split(separator: "?").first }
          .flatMap { UUID(uuidString: String($0)) })
      let message = try #require(try await store.message(id))
      #expect(message.channel == .hotline)
      #expect(message.status == .replied)
      #expect(message.leadUnitID == world.petitionOffice.id)
      #expect(try await store.events(of: id).last?.draft.action == .workflow(.answerDirectly))
      #expect(try await get(app, "/messages/\(id)").1.contains("租房提取需身份证"))

      let waiting = try await post(
        app, "/staff/intake", fields.map { $0.0 == "title" ? ("title", "反映路灯不亮") : $0 },
        cookies: operatorBrowser.cookies)
      #expect(waiting.0 == .seeOther)
      #expect(try await get(app, "/staff/pool", cookies: operatorBrowser.cookies).1.contains("反映路灯不亮"))
      // 一次解决率: one of the two calls answered on the spot; web messages do not count.
      _ = try await store.submit(Fixtures.newMessage(title: "网上留言不计入", leader: world.secretary.id), at: Fixtures.now)
      #expect(
        try await get(app, "/staff/intake", cookies: operatorBrowser.cookies).1.contains(
          "本月来电来信 2 件，当场直办 1 件，一次解决率 50.0%"))
      let supervisor = try await logIn(app, "dc.supervisor")
      #expect(
        try await get(app, "/staff/supervision", cookies: supervisor.cookies).1.contains("一次解决率 50.0%"))
      let lastMonth = try await store.firstContactResolution(
        from: Fixtures.now.addingTimeInterval(-40 * 86_400), before: Fixtures.now.addingTimeInterval(-30 * 86_400))
      #expect(lastMonth.received == 0 && lastMonth.resolved == 0 && lastMonth.rate == nil)

      let handler = try await logIn(app, "zjw.handler")
      #expect(try await get(app, "/staff/intake", cookies: handler.cookies).0 == .forbidden)
      #expect(
        try await post(app, "/staff/intake", fields + [("_csrf", handler.csrf)], cookies: handler.cookies).0
          == .forbidden)
    }
  }

  @Test(arguments: TestDatabase.available)
  func knowledgeBase_keptByAdmins_isSearchedFromTheReplyEditor(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let admin = try await token(app, "admin")
      let entry: [String: any Sendable] = [
        "kind": "answer", "title": "夜间施工噪音的处理口径",
        "body": "根据《噪声污染防治法》，夜间22时至次日6时禁止产生噪声的建筑施工作业，我局已责令整改。",
      ]
      let (created, text, _) = try await call(app, .POST, "api/v1/knowledge", token: admin, json: entry)
      #expect(created == .created, "\(text)")
      #expect(
        try await call(app, .POST, "api/v1/knowledge", token: try await token(app, "zjw.handler"), json: entry).0
          == .forbidden)
      #expect(
        try await call(
          app, .POST, "api/v1/knowledge", token: admin, json: ["kind": "answer", "title": "", "body": "x"]
        ).0
          == .unprocessableEntity)
      let found = try await call(
        app, .GET, "api/v1/knowledge?q=%E5%99%AA%E5%A3%B0", token: try await token(app, "zjw.handler"))
      #expect(found.1.contains("夜间施工噪音的处理口径"))
      let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      let idText = try #require(object["id"] as? String)
      let id = try #require(UUID(uuidString: idText))
      #expect(try await store.referenceChanges(of: id).map(\.action) == ["create"])

      let message = try await store.submit(
        Fixtures.newMessage(title: "工地噪音", leader: world.secretary.id), at: Fixtures.now
      )
      .message.id
      try await store.perform(.assign(lead: world.housing.id), on: message, by: world.dispatcher, at: Fixtures.now)
      let handler = try await logIn(app, "zjw.handler")
      // Before accepting there is no reply to write, so no search.
      #expect(
        !(try await get(app, "/staff/messages/\(message)", cookies: handler.cookies).1.contains(#"id="knowledge""#)))
      try await store.perform(.accept(), on: message, by: world.housingHandler, at: Fixtures.now)
      let page = try await get(app, "/staff/messages/\(message)?kb=%E5%A4%9C%E9%97%B4", cookies: handler.cookies).1
      #expect(page.contains(#"id="knowledge""#))
      #expect(page.contains("禁止产生噪声的建筑施工作业"))
      let none = try await get(app, "/staff/messages/\(message)?kb=%E5%AD%A6%E4%BD%8D", cookies: handler.cookies).1
      #expect(none.contains("没有找到"))
      // Without a search, the entries most relevant to the case come first, not the newest (#22).
      try await store.saveKnowledge(
        kind: .answer, title: "路灯报修口径", body: "路灯由市政设施管理处维护，报修后三个工作日内修复。", category: nil,
        by: "admin", at: Fixtures.now.addingTimeInterval(3_600))
      let ranked = try await get(app, "/staff/messages/\(message)", cookies: handler.cookies).1
      let noiseAt = try #require(ranked.range(of: "夜间施工噪音的处理口径")).lowerBound
      let lampAt = try #require(ranked.range(of: "路灯报修口径")).lowerBound
      #expect(noiseAt < lampAt, "the entry about noise before the newer one about street lamps")
      #expect(try await call(app, .DELETE, "api/v1/knowledge/\(id)", token: admin).0 == .noContent)
      #expect(try await store.referenceChanges(of: id).map(\.action) == ["create", "delete"])
    }
  }
}
