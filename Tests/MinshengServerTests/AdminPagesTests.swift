import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 系统管理 in the browser: only administrators, every form with the session's token, and every change
/// made through the pages recorded with who made it.
@Suite struct AdminPagesTests: SiteTesting {
  static let sections = [
    "regions", "leaders", "units", "categories", "rules", "words", "users", "knowledge", "keys", "webhooks",
  ]

  func logIn(_ app: Application, _ username: String) async throws -> (cookies: String, csrf: String) {
    let (formCookie, token) = try await formToken(app, "/staff/login")
    let (status, _, headers) = try await post(
      app, "/staff/login", [("username", username), ("password", sitePassword), ("_csrf", token)], cookies: formCookie)
    #expect(status == .seeOther, "login \(username)")
    let cookies = formCookie + "; " + (try #require(Self.cookie("minsheng_session", in: headers)))
    let (_, html) = try await get(app, "/staff/admin", cookies: cookies)
    let marker = #"name="_csrf" value=""#
    let csrf = html.range(of: marker).map { String(html[$0.upperBound...].prefix { $0 != "\"" }) } ?? ""
    return (cookies, csrf)
  }

  /// The rows of a page's table (`id="t-…"`), as the text of each row.
  func rows(_ html: String, table: String) throws -> [String] {
    let start = try #require(html.range(of: #"id="t-\#(table)""#)).upperBound
    let section = html[start...].prefix { _ in true }
    let end = section.range(of: "</section>")?.lowerBound ?? section.endIndex
    return section[..<end].components(separatedBy: "<tr id=").dropFirst().map { String($0) }
  }

  @Test(arguments: TestDatabase.available)
  func onlyAdministrators_andEveryFormNeedsTheToken(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let app = site.app
      #expect(try await get(app, "/staff/admin/units").0 == .seeOther, "no session: to the login page")
      for username in ["xfb.dispatcher", "zjw.handler", "zjw.reviewer", "dc.supervisor"] {
        let other = try await logIn(app, username)
        #expect(try await get(app, "/staff/admin", cookies: other.cookies).0 == .forbidden, "\(username)")
        for section in Self.sections {
          #expect(try await get(app, "/staff/admin/\(section)", cookies: other.cookies).0 == .forbidden)
        }
        let (status, _, _) = try await post(
          app, "/staff/admin/units/add",
          [("code", "X1"), ("name", "越权单位"), ("region_id", site.world.city.id.uuidString), ("_csrf", other.csrf)],
          cookies: other.cookies)
        #expect(status == .forbidden, "\(username) cannot add a unit")
      }
      let admin = try await logIn(app, "admin")
      for section in Self.sections {
        #expect(try await get(app, "/staff/admin/\(section)", cookies: admin.cookies).0 == .ok, "\(section)")
      }
      let fields = [("code", "X1"), ("name", "无令牌单位"), ("region_id", site.world.city.id.uuidString)]
      #expect(try await post(app, "/staff/admin/units/add", fields, cookies: admin.cookies).0 == .forbidden)
      #expect(
        try await post(app, "/staff/admin/units/add", fields + [("_csrf", "forged")], cookies: admin.cookies).0
          == .forbidden)
      #expect(try await site.store.units().allSatisfy { $0.code != "X1" })
      #expect(try await get(app, "/staff/admin/nothing", cookies: admin.cookies).0 == .notFound)
    }
  }

  @Test(arguments: TestDatabase.available)
  func referenceData_changesThroughThePages_areRecordedWithTheAdministrator(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let admin = try await logIn(app, "admin")
      func send(_ path: String, _ fields: [(String, String)]) async throws -> (HTTPStatus, String) {
        let (status, body, _) = try await post(app, path, fields + [("_csrf", admin.csrf)], cookies: admin.cookies)
        return (status, body)
      }
      // A new unit, then a new board it dispatches, and a routing rule to it.
      #expect(
        try await send(
          "/staff/admin/units/add",
          [
            ("code", "WJW"), ("name", "市卫健委"), ("region_id", world.city.id.uuidString),
            ("requires_reply_review", "yes"),
          ]
        ).0 == .seeOther)
      let health = try #require(try await store.unit(code: "WJW"))
      #expect(health.requiresReplyReview)
      #expect(
        try await send(
          "/staff/admin/leaders/add",
          [
            ("code", "FSZ"), ("title", "副市长"), ("region_id", world.city.id.uuidString),
            ("dispatching_unit_id", world.petitionOffice.id.uuidString),
          ]
        ).0 == .seeOther)
      #expect(
        try await store.leaders().contains { $0.title == "副市长" && $0.dispatchingUnitID == world.petitionOffice.id })
      #expect(
        try await send(
          "/staff/admin/categories/rule",
          [
            ("category_id", world.noise.id.uuidString), ("region_code", world.county.code),
            ("unit_id", health.id.uuidString),
          ]
        ).0 == .seeOther)
      #expect(
        try await store.routingRules().contains {
          $0.categoryID == world.noise.id && $0.regionCode == world.county.code && $0.unitID == health.id
        })
      // The rule routes noise in the county to the new unit, until it is removed through its row's form.
      let county = RegionPath(codes: [world.county.code, world.city.code])
      #expect(try await store.suggestUnit(category: world.noise.id, region: county) == health.id)
      let rule = try #require(
        try await store.routingRuleEntries().first {
          $0.rule.unitID == health.id && $0.rule.categoryID == world.noise.id
        })
      let ruleID = rule.id.uuidString.lowercased()
      let categoriesPage = try await get(app, "/staff/admin/categories", cookies: admin.cookies).1
      #expect(categoriesPage.contains("/staff/admin/categories/rule-delete/\(ruleID)"))
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      #expect(
        try await post(
          app, "/staff/admin/categories/rule-delete/\(ruleID)", [("_csrf", dispatcher.csrf)],
          cookies: dispatcher.cookies
        ).0 == .forbidden)
      #expect(
        try await post(app, "/staff/admin/categories/rule-delete/\(ruleID)", [], cookies: admin.cookies).0
          == .forbidden, "without the token")
      #expect(try await store.routingRuleEntries().contains { $0.id == rule.id })
      #expect(try await send("/staff/admin/categories/rule-delete/\(ruleID)", []).0 == .seeOther)
      #expect(try await store.routingRuleEntries().allSatisfy { $0.id != rule.id })
      #expect(try await store.suggestUnit(category: world.noise.id, region: county) != health.id)
      #expect(try await send("/staff/admin/categories/rule-delete/\(ruleID)", []).0 == .notFound, "already removed")
      #expect(try await send("/staff/admin/categories/rule-delete/not-an-id", []).0 == .notFound)
      let ruleChanges = try await store.referenceChanges(of: rule.id)
      #expect(ruleChanges.map(\.action).sorted() == ["create", "delete"])
      #expect(ruleChanges.first { $0.action == "delete" }?.change.after["unit_id"] == health.id.uuidString)
      #expect(ruleChanges.allSatisfy { $0.actorID == "admin" })

      // The unit no longer needs review; the region gets a new dispatching office.
      #expect(
        try await send("/staff/admin/units/update/\(health.id.uuidString.lowercased())", [("name", "市卫生健康委")]).0
          == .seeOther)
      #expect(try await store.unit(health.id)?.requiresReplyReview == false)
      #expect(try await store.unit(health.id)?.name == "市卫生健康委")
      #expect(
        try await send(
          "/staff/admin/regions/update/\(world.county.id.uuidString.lowercased())",
          [("name", world.county.name), ("dispatching_unit_id", world.petitionOffice.id.uuidString)]
        ).0 == .seeOther)
      #expect(
        try await store.regions().first { $0.id == world.county.id }?.dispatchingUnitID == world.petitionOffice.id)

      // A duplicate code is refused (409), and the form keeps what was typed.
      let duplicate = try await send(
        "/staff/admin/units/add", [("code", "WJW"), ("name", "重复的单位名称"), ("region_id", world.city.id.uuidString)])
      #expect(duplicate.0 == .conflict)
      #expect(duplicate.1.contains("单位代码 WJW已存在"))
      #expect(duplicate.1.contains(#"value="重复的单位名称""#))
      // A missing region is a 422 naming the field; nothing is stored.
      let missing = try await send("/staff/admin/units/add", [("code", "NEW"), ("name", "新单位")])
      #expect(missing.0 == .unprocessableEntity)
      #expect(missing.1.contains("区划"))
      #expect(try await store.unit(code: "NEW") == nil)

      // Banned words and the knowledge base.
      #expect(try await send("/staff/admin/words/add", [("word", "骗子"), ("severity", "block")]).0 == .seeOther)
      let word = try #require(try await store.bannedWords().first { $0.word == "骗子" })
      #expect(try await send("/staff/admin/words/delete/\(word.id.uuidString.lowercased())", []).0 == .seeOther)
      #expect(try await store.bannedWords().allSatisfy { $0.word != "骗子" })
      #expect(
        try await send(
          "/staff/admin/knowledge/add",
          [("kind", "template"), ("title", "噪音答复模板"), ("body", "经核查……"), ("category_id", world.noise.id.uuidString)]
        ).0 == .seeOther)
      let entry = try #require(try await store.searchKnowledge("噪音答复模板").first)
      #expect(entry.kind == .template && entry.categoryID == world.noise.id)
      #expect(
        try await send(
          "/staff/admin/knowledge/update/\(entry.id.uuidString.lowercased())",
          [("kind", "answer"), ("title", "噪音答复口径"), ("body", "夜间施工须持许可。"), ("category_id", "")]
        ).0 == .seeOther)
      #expect(try await store.searchKnowledge("噪音答复口径").first?.kind == .answer)

      // Every change is in the log, with the administrator and in words.
      let log = try await get(app, "/staff/admin", cookies: admin.cookies).1
      let changes = try rows(log, table: "changes")
      for text in ["市卫健委", "副市长", "骗子", "噪音答复口径", "分派规则"] {
        #expect(changes.contains { $0.contains(text) && $0.contains("admin") }, "\(text) in the log")
      }
      #expect(try await store.referenceChanges(of: health.id).map(\.action) == ["create", "update"])
      #expect(try await store.referenceChanges(of: health.id).allSatisfy { $0.actorID == "admin" })
      // Escaped on the way out.
      #expect(
        try await send(
          "/staff/admin/knowledge/add", [("kind", "answer"), ("title", "<script>alert(1)</script>"), ("body", "x")]
        ).0 == .seeOther)
      let page = try await get(app, "/staff/admin/knowledge", cookies: admin.cookies).1
      #expect(!page.contains("<script>alert(1)</script>"))
      #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }
  }

  @Test(arguments: TestDatabase.available)
  func accounts_createdResetAndDisabled_logInAccordingly(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let admin = try await logIn(app, "admin")
      func send(_ path: String, _ fields: [(String, String)]) async throws -> (HTTPStatus, String) {
        let (status, body, _) = try await post(app, path, fields + [("_csrf", admin.csrf)], cookies: admin.cookies)
        return (status, body)
      }
      func logInStatus(_ username: String, _ password: String) async throws -> HTTPStatus {
        try await call(app, .POST, "/api/v1/auth/token", json: ["username": username, "password": password]).0
      }
      // A handler must belong to a unit; the password must be long enough.
      let noUnit = try await send(
        "/staff/admin/users/add", [("username", "wjw.handler"), ("role", "handler"), ("password", "long-enough-1")])
      #expect(noUnit.0 == .unprocessableEntity)
      #expect(noUnit.1.contains("该角色须属于一个单位"))
      #expect(noUnit.1.contains(#"value="wjw.handler""#), "the username is kept")
      #expect(!noUnit.1.contains("long-enough-1"), "the password is not sent back")
      #expect(
        try await send(
          "/staff/admin/users/add",
          [
            ("username", "new.handler"), ("role", "handler"), ("unit_id", world.market.id.uuidString),
            ("password", "short"),
          ]
        ).0 == .unprocessableEntity)
      #expect(
        try await send(
          "/staff/admin/users/add",
          [
            ("username", "new.handler"), ("role", "handler"), ("unit_id", world.market.id.uuidString),
            ("password", "first-password-1"),
          ]
        ).0 == .seeOther)
      #expect(try await logInStatus("new.handler", "first-password-1") == .created)
      let account = try #require(try await store.staffAccounts().first { $0.username == "new.handler" })
      #expect(account.role == .handler && account.unitID == world.market.id)
      let id = account.id.uuidString.lowercased()

      #expect(try await send("/staff/admin/users/password/\(id)", [("password", "second-password-2")]).0 == .seeOther)
      #expect(try await logInStatus("new.handler", "first-password-1") == .unauthorized)
      #expect(try await logInStatus("new.handler", "second-password-2") == .created)
      #expect(try await send("/staff/admin/users/disable/\(id)", []).0 == .seeOther)
      #expect(try await logInStatus("new.handler", "second-password-2") == .unauthorized)
      #expect(try await send("/staff/admin/users/enable/\(id)", []).0 == .seeOther)
      #expect(try await logInStatus("new.handler", "second-password-2") == .created)

      // An administrator cannot lock themselves out.
      let me = try #require(try await store.staffAccounts().first { $0.username == "admin" })
      #expect(
        try await send("/staff/admin/users/disable/\(me.id.uuidString.lowercased())", []).0 == .unprocessableEntity)
      #expect(try await logInStatus("admin", sitePassword) == .created)

      // Recorded, without any password or hash.
      let changes = try await store.referenceChanges(of: account.id)
      #expect(changes.map(\.action) == ["create", "set_password", "disable", "enable"])
      #expect(changes.allSatisfy { $0.actorID == "admin" })
      #expect(changes.allSatisfy { !$0.change.after.keys.contains { $0.contains("password") || $0.contains("hash") } })
    }
  }

  /// A year that is not official: made up for this test only.
  static let year2027 = Data(
    """
    {"year": 2027, "source": "测试用安排（非官方）",
     "holidays": [{"name": "国庆节", "offFrom": "2027-10-01", "offTo": "2027-10-07", "work": ["2027-09-26", "2027-10-09"]}]}
    """.utf8)

  @Test(arguments: TestDatabase.available)
  func calendarAndSLA_uploadedInTheBrowser_setTheDeadlines(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let admin = try await logIn(app, "admin")
      func upload(_ data: Data) async throws -> (HTTPStatus, String) {
        var result: (HTTPStatus, String) = (.internalServerError, "")
        let body = multipart(
          [("_csrf", admin.csrf)], files: [("file", "cn-2027.json", data)], fileType: "application/json")
        try await app.testing().test(
          .POST, "/staff/admin/rules/calendar",
          beforeRequest: { request in
            try body(&request)
            request.headers.replaceOrAdd(name: .cookie, value: admin.cookies)
          }
        ) { result = ($0.status, $0.body.string) }
        return result
      }
      let monday = try #require(LocalDate("2027-10-04"))
      #expect(store.rules.calendar.isWorkingDay(monday), "before: an ordinary Monday")
      #expect(try await upload(Self.year2027).0 == .seeOther)
      #expect(!store.rules.calendar.isWorkingDay(monday), "after: a day off")
      #expect(store.rules.calendar.isWorkingDay(try #require(LocalDate("2027-09-26"))), "the make-up Sunday is worked")
      // Another instance on the same database sees it after its next reload.
      let other = Store(database: store.database, rules: try CaseRules.bundled())
      #expect(!other.rules.calendar.covers(2027))
      try await other.reloadRules()
      #expect(other.rules.calendar.covers(2027))
      // A shipped year cannot be replaced; a broken file changes nothing.
      let shipped = try await upload(Data(#"{"year": 2026, "source": "x", "holidays": []}"#.utf8))
      #expect(shipped.0 == .unprocessableEntity)
      #expect(shipped.1.contains("2026 年的安排随系统提供"))
      let broken = try await upload(Data("not json".utf8))
      #expect(broken.0 == .unprocessableEntity)
      let backwards = try await upload(
        Data(
          #"{"year": 2028, "source": "x", "holidays": [{"name": "x", "offFrom": "2028-05-05", "offTo": "2028-05-01", "work": []}]}"#
            .utf8))
      #expect(backwards.0 == .unprocessableEntity)
      #expect(backwards.1.contains("放假起止日期颠倒"))
      #expect(!store.rules.calendar.covers(2028))
      #expect(try await get(app, "/staff/admin/rules", cookies: admin.cookies).1.contains("测试用安排（非官方）"))

      // SLA: acceptance within 3 working days from now on.
      let sla = #"{"version": 2, "rules": [{"acceptance": "3wd", "reply": "10wd", "maxExtension": 5}]}"#
      let bad = try await post(
        app, "/staff/admin/rules/sla", [("sla", #"{"rules": [{"acceptance": "3 days"}]}"#), ("_csrf", admin.csrf)],
        cookies: admin.cookies)
      #expect(bad.0 == .unprocessableEntity)
      #expect(bad.1.contains("时限规则无法解析"))
      #expect(
        try await post(app, "/staff/admin/rules/sla", [("sla", sla), ("_csrf", admin.csrf)], cookies: admin.cookies).0
          == .seeOther)
      let id = try await store.submit(Fixtures.newMessage(title: "按新时限", leader: world.secretary.id), at: Fixtures.now)
        .message.id
      let assigned = try await store.perform(
        .assign(lead: world.market.id), on: id, by: world.dispatcher, at: Fixtures.now)
      #expect(assigned.acceptanceDue == store.rules.calendar.deadline(workingDays: 3, after: Fixtures.now))
      #expect(assigned.acceptanceDue != CaseRules.bundledOrNil?.calendar.deadline(workingDays: 5, after: Fixtures.now))
      let documents = try await store.ruleDocuments()
      #expect(documents.map(\.kind) == [.calendar, .sla])
      #expect(documents.allSatisfy { $0.updatedBy == "admin" })
      for document in documents {
        #expect(try await store.referenceChanges(of: document.id).first?.actorID == "admin")
      }
    }
  }

}

extension CaseRules {
  fileprivate static var bundledOrNil: CaseRules? { try? CaseRules.bundled() }
}
