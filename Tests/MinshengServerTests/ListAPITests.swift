import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@Suite struct ListAPITests {
  struct Page: Decodable {
    struct Item: Decodable {
      var serial: String
      var title: String
      var status: String
    }
    var items: [Item]
    var next_cursor: String?
  }

  @Test(arguments: TestDatabase.available)
  func publicList_pagesByCursor_filters_andHidesPrivateMessages(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let w = try await SeededWorld.create(in: store)
      for i in 1...7 {
        var input = Fixtures.newMessage(title: "噪音 \(i) 电话13800138000", leader: w.secretary.id, category: w.noise.id)
        input.type = i % 2 == 0 ? .help : .complaint
        input.isPublic = i != 3
        let id = try await store.submit(input, at: Fixtures.now).message.id
        if i == 5 { try await store.perform(.assign(lead: w.housing.id), on: id, by: w.dispatcher, at: Fixtures.now) }
      }
      try await withApp(configure: { app in configure(app, store: store, clock: { Fixtures.now }) }) { app in
        var serials: [String] = []
        var cursor: String?
        repeat {
          let path = "api/v1/messages?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
          try await app.testing().test(.GET, path) { response in
            #expect(response.status == .ok)
            let page = try response.content.decode(Page.self)
            #expect(page.items.count <= 2)
            #expect(page.items.allSatisfy { $0.title.contains("138****8000") })
            serials += page.items.map(\.serial)
            cursor = page.next_cursor
          }
        } while cursor != nil
        #expect(serials == ["2026-000007", "2026-000006", "2026-000005", "2026-000004", "2026-000002", "2026-000001"])

        try await app.testing().test(.GET, "api/v1/messages?type=help&status=received") { response in
          let page = try response.content.decode(Page.self)
          #expect(page.items.map(\.serial) == ["2026-000006", "2026-000004", "2026-000002"])
        }
        // The public list's tabs: 待回复 (received, assigned, returned) holds all six; 办理中 none yet.
        try await app.testing().test(.GET, "api/v1/messages?stage=waiting") { response in
          let page = try response.content.decode(Page.self)
          #expect(page.items.count == 6)
        }
        try await app.testing().test(.GET, "api/v1/messages?stage=handling") { response in
          let page = try response.content.decode(Page.self)
          #expect(page.items.isEmpty)
        }
        try await app.testing().test(.GET, "api/v1/messages?stage=waiting&status=assigned") { response in
          let page = try response.content.decode(Page.self)
          #expect(page.items.map(\.serial) == ["2026-000005"])
        }
        try await app.testing().test(.GET, "api/v1/messages?unit=\(w.housing.id)") { response in
          let page = try response.content.decode(Page.self)
          #expect(page.items.map(\.serial) == ["2026-000005"])
        }
        try await app.testing().test(.GET, "api/v1/messages?from=2026-03-05T00:00:00Z") { response in
          let page = try response.content.decode(Page.self)
          #expect(page.items.isEmpty)
        }
        // A value that does not parse (a cursor, a size out of range, an unknown type, an id, a date) is
        // 422 naming the field; a value of the wrong kind (text for a number) is 400.
        for (bad, field) in [
          ("cursor=abc", "cursor"), ("limit=0", "limit"), ("limit=1000", "limit"), ("type=rumour", "type"),
          ("region=not-a-uuid", "region"), ("from=yesterday", "from"), ("stage=done", "stage"),
        ] {
          try await app.testing().test(.GET, "api/v1/messages?\(bad)") { response in
            #expect(response.status == .unprocessableEntity, "\(bad)")
            #expect(response.body.string.contains(#""field":"\#(field)""#), "\(bad): \(response.body.string)")
          }
        }
        try await app.testing().test(.GET, "api/v1/messages?limit=many") { response in
          #expect(response.status == .badRequest)
        }
        // RFC 3339 with fractional seconds, as OpenAPI's date-time allows.
        try await app.testing().test(.GET, "api/v1/messages?to=2026-03-05T00:00:00.250Z") { response in
          #expect(response.status == .ok)
        }
        try await app.testing().test(.GET, "api/v1/units") { response in
          #expect(response.status == .ok)
          #expect(response.body.string.contains("市住建委"))
        }
        try await app.testing().test(.GET, "api/v1/regions") { response in
          #expect(response.body.string.contains("东山县"))
        }
      }
    }
  }
}
