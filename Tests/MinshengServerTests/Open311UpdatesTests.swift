import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@testable import MinshengServer

/// mySociety's update extension (`servicerequestupdates`), as FixMyStreet polls it: the public
/// status changes of public requests in a span of time, oldest first, in both formats, the replies
/// masked, private messages never shown.
@Suite struct Open311UpdatesTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func updates_listPublicStatusChanges_oldestFirst(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world, now) = (site.app, site.store, site.world, site.clock.now)
      let lamp = try await store.submit(Fixtures.newMessage(title: "路灯不亮", leader: world.secretary.id), at: now)
        .message
      try await store.perform(
        .assign(lead: world.market.id), on: lamp.id, by: world.dispatcher, at: now.addingTimeInterval(60))
      try await store.perform(.accept(), on: lamp.id, by: world.marketHandler, at: now.addingTimeInterval(120))
      try await store.perform(
        .reply(body: "已修复。如仍有问题请致电 13912345678。"), on: lamp.id, by: world.marketHandler,
        at: now.addingTimeInterval(180))
      var hidden = Fixtures.newMessage(title: "不公开的留言", leader: world.secretary.id)
      hidden.isPublic = false
      let secret = try await store.submit(hidden, at: now.addingTimeInterval(30)).message
      try await store.perform(
        .assign(lead: world.market.id), on: secret.id, by: world.dispatcher, at: now.addingTimeInterval(90))

      let format = ISO8601DateFormatter()
      let span =
        "start_date=\(format.string(from: now.addingTimeInterval(-3_600)))"
        + "&end_date=\(format.string(from: now.addingTimeInterval(3_600)))"
      let (status, body, headers) = try await call(app, .GET, "/open311/v2/servicerequestupdates.json?\(span)")
      #expect(status == .ok && headers.first(name: .contentType) == "application/json; charset=utf-8")
      let updates = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])
      #expect(!updates.isEmpty)
      // Only the public message; identifiers are strings and unique; oldest first.
      #expect(updates.allSatisfy { $0["service_request_id"] as? String == lamp.serial.description })
      let ids = updates.compactMap { $0["update_id"] as? String }
      #expect(Set(ids).count == updates.count)
      let times = updates.compactMap { $0["updated_datetime"] as? String }
      #expect(times == times.sorted() && times.allSatisfy { $0.hasSuffix("Z") })
      // Open until the reply, which closes it with its text, the number masked.
      #expect(updates.dropLast().allSatisfy { $0["status"] as? String == "OPEN" })
      let last = try #require(updates.last)
      #expect(last["status"] as? String == "CLOSED")
      let text = try #require(last["description"] as? String)
      #expect(text.hasPrefix("已修复。") && !text.contains("13912345678"))
      #expect(!body.contains(secret.serial.description))

      // XML: the same updates, under mySociety's root element.
      let xml = try await call(app, .GET, "/open311/v2/servicerequestupdates.xml?\(span)")
      #expect(
        xml.0 == .ok && xml.1.contains("<service_requests_updates><request_update><update_id>\(ids[0])</update_id>"))
      #expect(xml.1.hasPrefix(#"<?xml version="1.0" encoding="utf-8"?>"#))
      #expect(xml.1.components(separatedBy: "<request_update>").count == updates.count + 1)
      // Without dates: the last day (the test clock's); over 90 days: refused in the asked format.
      let recent = try await call(app, .GET, "/open311/v2/servicerequestupdates.json")
      #expect(recent.0 == .ok && recent.1.contains(lamp.serial.description))
      let long =
        "start_date=\(format.string(from: now.addingTimeInterval(-100 * 86_400)))"
        + "&end_date=\(format.string(from: now))"
      let refused = try await call(app, .GET, "/open311/v2/servicerequestupdates.json?\(long)")
      #expect(refused.0 == .badRequest && refused.1.contains("90 days"))
      // A span before anything happened: an empty list, not an error.
      let before =
        "start_date=\(format.string(from: now.addingTimeInterval(-7_200)))"
        + "&end_date=\(format.string(from: now.addingTimeInterval(-3_600)))"
      #expect(try await call(app, .GET, "/open311/v2/servicerequestupdates.json?\(before)").1 == "[]")
    }
  }

  /// `POST servicerequestupdates`: a partner forwards an update to a request of its channel; it
  /// reaches the units as an internal note (never public), the status stays, and the same update
  /// sent again records nothing more.
  @Test(arguments: TestDatabase.available)
  func aPartnersUpdate_becomesAnInternalNote_once(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world, now) = (site.app, site.store, site.world, site.clock.now)
      let poster = Open311PostTests()
      let (_, secret) = try await store.issueOpen311Key(name: "县 app", by: "admin", at: now)
      let (posted, body) = try await poster.post(
        app, "/open311/v2/requests.json",
        [
          ("api_key", secret), ("service_code", "CXJS-SGZY"), ("address_string", "滨江路 18 号"), ("last_name", "周"),
          ("phone", "13800138000"), ("description", "工地每晚施工到凌晨两点"),
        ])
      #expect(posted == .created)
      let id = try #require(
        (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])?.first?["service_request_id"]
          as? String)
      let parsed = try #require(Serial(id))
      let message = try #require(try await store.message(serial: parsed))
      let web = try await store.submit(Fixtures.newMessage(title: "网站留言", leader: world.secretary.id), at: now).message
      let update: [(String, String)] = [
        ("api_key", secret), ("service_request_id", id), ("update_id", "fms-88"), ("status", "OPEN"),
        ("updated_datetime", "2026-11-03T09:30:00+08:00"), ("first_name", "敏"), ("last_name", "周"),
        ("email", "zhou@example.org"), ("description", "昨晚又施工到三点，附近居民都没睡好。"),
      ]
      func without(_ name: String) -> [(String, String)] { update.filter { $0.0 != name } }
      let refused: [([(String, String)], HTTPStatus)] = [
        (without("api_key"), .forbidden),
        (without("api_key") + [("api_key", "ms311_nope")], .forbidden),
        (without("update_id"), .badRequest),
        (without("status") + [("status", "MAYBE")], .badRequest),
        (without("updated_datetime") + [("updated_datetime", "2026-11-03 09:30")], .badRequest),
        (without("description"), .badRequest),
        (without("service_request_id") + [("service_request_id", "2099-999999")], .notFound),
        // The site's own message is not the partner's to update.
        (without("service_request_id") + [("service_request_id", web.serial.description)], .notFound),
      ]
      for (fields, status) in refused {
        let (answer, text) = try await poster.post(app, "/open311/v2/servicerequestupdates.json", fields)
        #expect(answer == status, "\(fields.map(\.0)): \(text)")
      }
      let before = try await store.events(of: message.id).count
      for format in ["json", "xml"] {
        let (answer, text) = try await poster.post(app, "/open311/v2/servicerequestupdates.\(format)", update)
        #expect(answer == .ok, "\(text)")
        #expect(text.contains("\(id)-fms-88"))
      }
      let events = try await store.events(of: message.id)
      #expect(events.count == before + 1, "sent twice, recorded once")
      let note = try #require(events.last?.draft)
      #expect(note.action == .workflow(.note) && note.visibility == .internal)
      #expect(note.note?.contains("昨晚又施工到三点") == true && note.note?.contains("县 app") == true)
      #expect(note.note?.contains("zhou@example.org") == true && note.note?.contains("周敏") == true)
      #expect(try await store.message(message.id)?.status == message.status)
      let publicRequest = try await call(app, .GET, "/open311/v2/requests/\(id).json").1
      #expect(!publicRequest.contains("昨晚又施工"))
      #expect(try await store.verifyAudit().isIntact)
    }
  }
}
