import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@testable import MinshengServer

/// Open311 GeoReport v2, read side: the spec's conventions (§2.1–2.9) on both databases — both
/// formats, identifiers as strings, dates with their zone, the 90-day window, id lists overriding
/// every filter, one request still in a list, errors in the asked format, private messages never shown.
@Suite struct Open311Tests: SiteTesting {
  func json(_ app: Application, _ path: String) async throws -> (HTTPStatus, Any?, HTTPHeaders) {
    let (status, body, headers) = try await call(app, .GET, path)
    return (status, try? JSONSerialization.jsonObject(with: Data(body.utf8)), headers)
  }

  @Test(arguments: TestDatabase.available)
  func theRequests_followTheSpecsConventions(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world, now) = (site.app, site.store, site.world, site.clock.now)
      // Two public messages (one replied, with markup in its title) and a private one.
      let replied = try await store.submit(
        Fixtures.newMessage(title: "路灯 <不亮> & \"闪烁\"", leader: world.secretary.id), at: now
      ).message.id
      try await store.perform(.answerDirectly(body: "已报修，三日内修复。"), on: replied, by: world.dispatcher, at: now)
      let open = try await store.submit(Fixtures.newMessage(title: "楼道堆放杂物", leader: world.secretary.id), at: now)
        .message
      var hidden = Fixtures.newMessage(title: "不公开的留言", leader: world.secretary.id)
      hidden.isPublic = false
      let secret = try await store.submit(hidden, at: now).message
      let repliedSerial = try #require(try await store.message(replied)).serial.description

      let (status, discovery, headers) = try await json(app, "/open311/v2/discovery.json")
      #expect(status == .ok && headers.first(name: .contentType) == "application/json; charset=utf-8")
      #expect((discovery as? [String: Any])?["endpoints"] != nil)
      let xml = try await call(app, .GET, "/open311/v2/discovery.xml")
      #expect(xml.2.first(name: .contentType) == "text/xml; charset=utf-8")
      #expect(xml.1.hasPrefix(#"<?xml version="1.0" encoding="utf-8"?>"#) && xml.1.contains("<discovery>"))

      let list = try #require(try await json(app, "/open311/v2/requests.json").1 as? [[String: Any]])
      #expect(list.map { $0["service_request_id"] as? String } == [open.serial.description, repliedSerial])
      #expect(!list.contains { ($0["description"] as? String)?.contains("不公开") == true })
      let answered = try #require(list.last)
      #expect(answered["status"] as? String == "closed" && answered["status_notes"] as? String == "已报修，三日内修复。")
      #expect((answered["requested_datetime"] as? String)?.hasSuffix("Z") == true)
      #expect(list.first?["status"] as? String == "open")
      // XML: the same requests, markup escaped.
      let asXML = try await call(app, .GET, "/open311/v2/requests.xml")
      #expect(asXML.1.contains("<service_requests><request><service_request_id>\(open.serial)</service_request_id>"))
      #expect(asXML.1.contains("路灯 &lt;不亮&gt; &amp; &quot;闪烁&quot;"))

      // Filters: status, an id list overriding the rest, empty arguments as absent, paging.
      let closed = try #require(try await json(app, "/open311/v2/requests.json?status=closed").1 as? [[String: Any]])
      #expect(closed.count == 1)
      let ids = "\(open.serial),\(secret.serial),2099-000001"
      let byID = try #require(
        try await json(app, "/open311/v2/requests.json?service_request_id=\(ids)&status=closed").1 as? [[String: Any]])
      #expect(byID.map { $0["service_request_id"] as? String } == [open.serial.description])
      #expect((try await json(app, "/open311/v2/requests.json?status=&service_code=").1 as? [Any])?.count == 2)
      let second = try #require(
        try await json(app, "/open311/v2/requests.json?page=2&page_size=1").1 as? [[String: Any]])
      #expect(second.map { $0["service_request_id"] as? String } == [repliedSerial])
      // updated_after: only the requests changed since, each with its last change.
      site.clock.advance(3_600)
      let mark = Open311Controller.timestamp(site.clock.now)
      site.clock.advance(60)
      try await store.perform(.assign(lead: world.market.id), on: open.id, by: world.dispatcher, at: site.clock.now)
      let changed = try #require(
        try await json(app, "/open311/v2/requests.json?updated_after=\(mark)").1 as? [[String: Any]])
      #expect(changed.map { $0["service_request_id"] as? String } == [open.serial.description])
      #expect((changed.first?["updated_datetime"] as? String) == Open311Controller.timestamp(site.clock.now))

      // One request: still a list of one; unknown or private ones are 404 with an error body.
      let one = try #require(try await json(app, "/open311/v2/requests/\(open.serial).json").1 as? [[String: Any]])
      #expect(one.count == 1 && one[0]["service_request_id"] as? String == open.serial.description)
      for missing in ["\(secret.serial).json", "2099-000001.json", "nonsense.xml"] {
        let (code, body, _) = try await call(app, .GET, "/open311/v2/requests/\(missing)")
        #expect(code == .notFound, "\(missing)")
        #expect(body.contains("404"), "\(missing)")
      }

      // Errors: a date without its zone, a span over 90 days, a bad status or page, in the asked format.
      for query in [
        "start_date=2026-01-01T00:00:00", "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
        "status=pending", "page=0", "page_size=1001", "end_date=2026-01-01T00:00:00Z&start_date=2026-02-01T00:00:00Z",
        "updated_after=yesterday",
      ] {
        let (code, body, _) = try await json(app, "/open311/v2/requests.json?" + query)
        #expect(code == .badRequest, "\(query)")
        #expect((body as? [[String: Any]])?.first?["code"] as? Int == 400, "\(query)")
      }
      let xmlError = try await call(app, .GET, "/open311/v2/requests.xml?status=pending")
      #expect(xmlError.0 == .badRequest && xmlError.1.contains("<errors><error><code>400</code><description>"))
      // Another suffix or another resource: not found; posting without a key: 403; other methods: 405.
      #expect(try await call(app, .GET, "/open311/v2/requests.csv").0 == .notFound)
      #expect(try await call(app, .GET, "/open311/v2/tokens.json").0 == .notFound)
      #expect(try await call(app, .POST, "/open311/v2/requests.json").0 == .forbidden)
      #expect(try await call(app, .DELETE, "/open311/v2/requests.json").0 == .methodNotAllowed)
    }
  }

  @Test(arguments: TestDatabase.available)
  func theServices_areTheCategoryTree(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let app = site.app
      let names = try await site.store.referenceNames()
      let services = try #require(try await json(app, "/open311/v2/services.json").1 as? [[String: Any]])
      #expect(services.count == names.categories.count)
      for service in services {
        #expect(service["service_code"] is String && service["metadata"] as? Bool == false)
        #expect(service["type"] as? String == "realtime" && service["group"] is String && service["keywords"] is String)
      }
      let code = try #require(services.first?["service_code"] as? String)
      let definition = try #require(try await json(app, "/open311/v2/services/\(code).json").1 as? [String: Any])
      #expect(definition["service_code"] as? String == code && (definition["attributes"] as? [Any])?.isEmpty == true)
      #expect(try await call(app, .GET, "/open311/v2/services/NOPE.xml").0 == .notFound)
      #expect(try await call(app, .GET, "/open311/v2/services.xml").1.contains("<services><service><service_code>"))
    }
  }
}
