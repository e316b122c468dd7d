import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 系统管理 for partner systems: their Open311 keys and their webhooks, each secret shown once.
@Suite struct AdminPartnersPagesTests: SiteTesting {
  /// 接口密钥: an administrator issues a partner's key on the page (shown once, not stored by the
  /// browser), the key opens Open311 posting, and revoking it closes it; both are in the log.
  @Test(arguments: TestDatabase.available)
  func apiKeys_areIssuedOnceAndRevokedOnThePage(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store) = (site.app, site.store)
      let admin = try await AdminPagesTests().logIn(app, "admin")
      let (status, page, headers) = try await post(
        app, "/staff/admin/keys/add", [("name", "县政务App <测试>"), ("_csrf", admin.csrf)], cookies: admin.cookies)
      #expect(status == .ok && headers.first(name: .cacheControl) == "no-store")
      let secret = try #require(page.range(of: "ms311_").map { String(page[$0.lowerBound...].prefix(54)) })
      #expect(try await store.open311Key(presented: secret)?.name == "县政务App <测试>")
      #expect(page.contains("县政务App &lt;测试&gt;") && !page.contains("县政务App <测试>"))
      // Listed without the key itself.
      let listed = try await get(app, "/staff/admin/keys", cookies: admin.cookies).1
      #expect(try AdminPagesTests().rows(listed, table: "keys").count == 1 && !listed.contains(secret))
      let id = try #require(try await store.open311Keys().first).id.uuidString.lowercased()
      #expect(try await post(app, "/staff/admin/keys/revoke/\(id)", [], cookies: admin.cookies).0 == .forbidden)
      #expect(
        try await post(app, "/staff/admin/keys/revoke/\(id)", [("_csrf", admin.csrf)], cookies: admin.cookies).0
          == .seeOther)
      #expect(try await store.open311Key(presented: secret) == nil)
      #expect(
        try AdminPagesTests().rows(try await get(app, "/staff/admin/keys", cookies: admin.cookies).1, table: "keys")[0]
          .contains("吊销"))
      let log = try AdminPagesTests().rows(
        try await get(app, "/staff/admin", cookies: admin.cookies).1, table: "changes")
      #expect(log.filter { $0.contains("接口密钥") }.count == 2 && log.contains { $0.contains("吊销") })
      #expect(
        try await post(app, "/staff/admin/keys/add", [("name", ""), ("_csrf", admin.csrf)], cookies: admin.cookies).0
          == .unprocessableEntity)
    }
  }

  /// 回调地址: registered on the page (the signing secret shown once), listed with how its deliveries
  /// stand, removed; a bad address or event kind is refused with the reason.
  @Test(arguments: TestDatabase.available)
  func webhooks_areRegisteredListedAndRemovedOnThePage(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store) = (site.app, site.store)
      let admin = try await AdminPagesTests().logIn(app, "admin")
      func send(_ path: String, _ fields: [(String, String)]) async throws -> (HTTPStatus, String, HTTPHeaders) {
        try await post(app, path, fields + [("_csrf", admin.csrf)], cookies: admin.cookies)
      }
      let (status, page, headers) = try await send(
        "/staff/admin/webhooks/add", [("url", "https://data.example.gov.cn/hooks"), ("events", "accept, reply")])
      #expect(status == .ok && headers.first(name: .cacheControl) == "no-store")
      let secret = try #require(page.range(of: "whsec_").map { String(page[$0.lowerBound...].prefix(70)) })
      let hook = try #require(try await store.webhooks().first)
      let target = try await store.webhookTarget(hook.id)
      #expect(hook.events == ["accept", "reply"] && target?.secret == secret)
      let listed = try await get(app, "/staff/admin/webhooks", cookies: admin.cookies).1
      let rows = try AdminPagesTests().rows(listed, table: "webhooks")
      #expect(
        rows.count == 1 && rows[0].contains("accept, reply") && rows[0].contains("已送达 0") && !listed.contains(secret))
      for (fields, reason) in [
        ([("url", "javascript:alert(1)"), ("events", "")], "http"),
        ([("url", "https://example.org/x"), ("events", "nonsense")], "nonsense"),
      ] {
        let (refused, body, _) = try await send("/staff/admin/webhooks/add", fields)
        #expect(refused == .unprocessableEntity && body.contains(reason), "\(fields)")
      }
      let id = hook.id.uuidString.lowercased()
      #expect(try await send("/staff/admin/webhooks/delete/\(id)", []).0 == .seeOther)
      #expect(try await store.webhooks().isEmpty)
      let log = try AdminPagesTests().rows(
        try await get(app, "/staff/admin", cookies: admin.cookies).1, table: "changes")
      #expect(log.filter { $0.contains("回调地址") }.count == 2)
    }
  }
}
