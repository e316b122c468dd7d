import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@testable import MinshengServer

/// 补充问题 from end to end: an administrator sets a category's questions on its admin page (a wrong
/// line refused with its number, nothing changed); Open311 lists them as the service's attributes;
/// a partner's request must answer the required ones; the answers are kept with the message, shown to
/// staff on the case and never to the public.
@Suite struct ServiceQuestionsPagesTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func questions_setByAnAdministrator_areAskedThroughOpen311_andShownToStaffOnly(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world, now) = (site.app, site.store, site.world, site.clock.now)
      let admin = try await logIn(app, "admin")
      let path = "/staff/admin/categories/questions/\(world.noise.id.uuidString.lowercased())"
      let lines = """
        SITE | string | 必填 | 工地名称或位置
        HOURS | multivaluelist | 选填 | 施工时段 | late=22 时以后; dawn=6 时以前
        """
      // A wrong line: refused, naming its line, and nothing is kept.
      let (refused, refusedBody, _) = try await post(
        app, path, [("questions", lines + "\nBAD | colour | 选填 | 颜色"), ("_csrf", admin.csrf)], cookies: admin.cookies)
      #expect(refused != .seeOther && refusedBody.contains("第 3 行"), "\(refused)")
      #expect(try await store.categories().first { $0.id == world.noise.id }?.questions == [])
      let (saved, _, _) = try await post(
        app, path, [("questions", lines), ("_csrf", admin.csrf)], cookies: admin.cookies)
      #expect(saved == .seeOther)
      #expect(
        try await store.categories().first { $0.id == world.noise.id }?.questions.map(\.code) == ["SITE", "HOURS"])
      #expect(try await store.recentReferenceChanges().contains { $0.change.entity == "category" })
      // The admin page shows them as they were written.
      let page = try await get(app, "/staff/admin/categories", cookies: admin.cookies).1
      #expect(page.contains("SITE | string | required | 工地名称或位置"))

      // Open311: the service has metadata, and its definition lists the attributes in order.
      let services = try await call(app, .GET, "/open311/v2/services.json").1
      let list = try #require(try JSONSerialization.jsonObject(with: Data(services.utf8)) as? [[String: Any]])
      #expect(list.first { $0["service_code"] as? String == "CXJS-SGZY" }?["metadata"] as? Bool == true)
      #expect(list.first { $0["service_code"] as? String != "CXJS-SGZY" }?["metadata"] as? Bool == false)
      let definition = try #require(
        try JSONSerialization.jsonObject(
          with: Data(try await call(app, .GET, "/open311/v2/services/CXJS-SGZY.json").1.utf8))
          as? [String: Any])
      let attributes = try #require(definition["attributes"] as? [[String: Any]])
      #expect(attributes.map { $0["code"] as? String } == ["SITE", "HOURS"])
      #expect(attributes.map { $0["order"] as? Int } == [1, 2] && attributes[0]["required"] as? Bool == true)
      #expect((attributes[1]["values"] as? [[String: String]])?.map { $0["key"] } == ["late", "dawn"])
      let xml = try await call(app, .GET, "/open311/v2/services/CXJS-SGZY.xml").1
      #expect(xml.contains("<attribute><variable>true</variable><code>SITE</code><datatype>string</datatype>"))
      #expect(xml.contains("<values><value><key>late</key><name>22 时以后</name></value>"))

      // A partner's request: the required question unanswered is 400 naming it; answered, it is kept.
      let (_, secret) = try await store.issueOpen311Key(name: "县 app", by: "admin", at: now)
      let request: [(String, String)] = [
        ("api_key", secret), ("service_code", "CXJS-SGZY"), ("address_string", "示范市滨江路 18 号"),
        ("lat", "29.5630123"), ("long", "106.5513876"),
        ("last_name", "周"), ("first_name", "敏"), ("phone", "13800138000"), ("description", "工地每晚施工到凌晨两点"),
      ]
      let missing = try await Open311PostTests().post(app, "/open311/v2/requests.json", request)
      #expect(missing.0 == .badRequest && missing.1.contains("attribute[SITE]"), "\(missing.1)")
      let answered = try await Open311PostTests().post(
        app, "/open311/v2/requests.json",
        request + [
          ("attribute[SITE]", "滨江花园二期工地"), ("attribute[HOURS][]", "late"), ("attribute[HOURS][]", "dawn"),
        ])
      #expect(answered.0 == .created, "\(answered.1)")
      let serial = try #require(
        (try JSONSerialization.jsonObject(with: Data(answered.1.utf8)) as? [[String: Any]])?.first?[
          "service_request_id"] as? String)
      let parsed = try #require(Serial(serial))
      let message = try #require(try await store.message(serial: parsed))
      #expect(message.answers.map(\.shown) == ["滨江花园二期工地", "22 时以后、6 时以前"])

      // Staff read the answers on the case; the public request and page do not carry them.
      let staffPage = try await get(app, SiteURL.staff(.message(.value(message.id))).path, cookies: admin.cookies)
      #expect(staffPage.0 == .ok && staffPage.1.contains("工地名称或位置") && staffPage.1.contains("滨江花园二期工地"))
      #expect(staffPage.1.contains("22 时以后、6 时以前"))
      // The location as text beside the address: the coordinates to every decimal sent (no map tiles).
      #expect(staffPage.1.contains("示范市滨江路 18 号（WGS84 坐标 29.5630123, 106.5513876）"))
      let publicRequest = try await call(app, .GET, "/open311/v2/requests/\(serial).json").1
      #expect(!publicRequest.contains("滨江花园二期工地") && !publicRequest.contains("attribute"))
      let publicPage = try await get(app, SiteURL.message(.value(message.id)).path).1
      #expect(publicPage.contains("工地每晚施工") && !publicPage.contains("滨江花园二期工地"))
    }
  }
}
