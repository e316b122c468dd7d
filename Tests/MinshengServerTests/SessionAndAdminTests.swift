import Foundation
import Logging
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// Browser sessions stored in the database (with CSRF protection), and administrators' editing of
/// reference data.
@Suite struct SessionAndAdminTests {
  static let passwords = PasswordHashing(cost: 4)
  static let password = "correct horse battery"

  struct Login {
    var cookie: String
    var csrf: String
  }

  /// Two application instances on two connections to the same database, as behind a load balancer.
  func withTwoInstances(
    _ db: TestDatabase, _ body: @Sendable @escaping (Application, Application, Store, SeededWorld) async throws -> Void
  ) async throws {
    try await db.withDatabase { location in
      var logger = Logger(label: "test")
      logger.logLevel = .critical
      let first = try await StoreDatabase.open(location, logger: logger, implementation: db.implementation)
      let second = try await StoreDatabase.open(location, logger: logger, implementation: db.implementation)
      do {
        try await first.migrate()
        let store = Store(database: first, rules: Fixtures.rules)
        let world = try await SeededWorld.create(in: store)
        let hash = try Self.passwords.hash(Self.password)
        for (name, role, unit) in [
          ("admin", Role.admin, nil), ("zjw.handler", .handler, world.housing.id),
          ("xfb.dispatcher", .dispatcher, world.petitionOffice.id),
        ] {
          try await store.createStaffAccount(
            username: name, passwordHash: hash, role: role, unitID: unit, at: Fixtures.now)
        }
        let otherStore = Store(database: second, rules: Fixtures.rules)
        try await withApp(configure: { app in
          configure(app, store: store, passwords: Self.passwords, clock: { Fixtures.now })
        }) { a in
          try await withApp(configure: { app in
            configure(app, store: otherStore, passwords: Self.passwords, clock: { Fixtures.now })
          }) { b in
            try await body(a, b, store, world)
          }
        }
        await second.close()
        await first.close()
      } catch {
        await second.close()
        await first.close()
        throw error
      }
    }
  }

  func login(_ app: Application, _ username: String) async throws -> Login {
    var login = Login(cookie: "", csrf: "")
    try await app.testing().test(
      .POST, "api/v1/auth/session",
      beforeRequest: { request in
        try request.content.encode(["username": username, "password": Self.password], as: .json)
      }
    ) { response in
      #expect(response.status == .created, "\(response.body.string)")
      let setCookie = response.headers.first(name: .setCookie) ?? ""
      #expect(setCookie.contains("HttpOnly"))
      #expect(setCookie.lowercased().contains("samesite=strict"))
      #expect(!setCookie.contains("Secure"))  // no https BASE_URL in tests
      login.cookie = response.headers.setCookie?["minsheng_session"]?.string ?? ""
      login.csrf = (try? response.content.get(String.self, at: "csrf_token")) ?? ""
    }
    #expect(!login.cookie.isEmpty && !login.csrf.isEmpty)
    return login
  }

  func send(
    _ app: Application, _ method: HTTPMethod, _ path: String, as login: Login?, csrf: String? = nil,
    json: String? = nil, expect status: HTTPStatus, line: Int = #line
  ) async throws -> String {
    var text = ""
    try await app.testing().test(
      method, path,
      beforeRequest: { request in
        if let login { request.headers.cookie = ["minsheng_session": .init(string: login.cookie)] }
        if let csrf { request.headers.replaceOrAdd(name: "X-CSRF-Token", value: csrf) }
        if let json {
          request.headers.contentType = .json
          request.body = ByteBuffer(string: json)
        }
      }
    ) { response in
      text = response.body.string
      #expect(response.status == status, "line \(line): \(method) \(path) → \(text)")
    }
    return text
  }

  @Test(arguments: TestDatabase.available)
  func aSession_worksOnEveryInstance_needsItsCSRFTokenToChangeAnything_andEndsAtLogout(
    db: TestDatabase
  )
    async throws
  {
    try await withTwoInstances(db) { a, b, store, world in
      let id = try await store.submit(Fixtures.newMessage(leader: world.secretary.id), at: Fixtures.now).message.id
      let session = try await login(a, "xfb.dispatcher")
      // Reading needs no token; the other instance knows the session from the database.
      _ = try await send(b, .GET, "api/v1/staff/pool", as: session, expect: .ok)
      let assign = #"{"lead_unit":"\#(world.housing.id)"}"#
      _ = try await send(
        b, .POST, "api/v1/messages/\(id)/actions/assign", as: session, json: assign, expect: .forbidden)
      _ = try await send(
        b, .POST, "api/v1/messages/\(id)/actions/assign", as: session, csrf: "forged", json: assign, expect: .forbidden)
      #expect(try await store.message(id)?.status == .received)
      _ = try await send(
        b, .POST, "api/v1/messages/\(id)/actions/assign", as: session, csrf: session.csrf, json: assign, expect: .ok)
      #expect(try await store.message(id)?.status == .assigned)

      // Another user's session token is not a CSRF token for this one.
      let handler = try await login(a, "zjw.handler")
      _ = try await send(
        a, .POST, "api/v1/messages/\(id)/actions/accept", as: handler, csrf: session.csrf, expect: .forbidden)

      _ = try await send(a, .DELETE, "api/v1/auth/session", as: session, expect: .forbidden)
      _ = try await send(a, .DELETE, "api/v1/auth/session", as: session, csrf: session.csrf, expect: .noContent)
      _ = try await send(b, .GET, "api/v1/staff/pool", as: session, expect: .unauthorized)
      _ = try await send(a, .GET, "api/v1/staff/pool", as: Login(cookie: "forged", csrf: ""), expect: .unauthorized)

      // Disabling an account ends its sessions.
      _ = try await send(b, .GET, "api/v1/staff/inbox", as: handler, expect: .ok)
      try await store.disable(username: "zjw.handler")
      _ = try await send(b, .GET, "api/v1/staff/inbox", as: handler, expect: .unauthorized)
    }
  }

  @Test(arguments: TestDatabase.available)
  func administrators_editReferenceData_everyChangeIsRecorded_othersAreRefused(db: TestDatabase) async throws {
    try await withTwoInstances(db) { a, b, store, world in
      let admin = try await login(a, "admin")
      let handler = try await login(a, "zjw.handler")
      let newUnit = #"{"code":"WJW","name":"市卫生健康委","region_id":"\#(world.city.id)"}"#
      _ = try await send(a, .POST, "api/v1/units", as: nil, json: newUnit, expect: .unauthorized)
      _ = try await send(a, .POST, "api/v1/units", as: handler, csrf: handler.csrf, json: newUnit, expect: .forbidden)
      _ = try await send(a, .POST, "api/v1/units", as: admin, json: newUnit, expect: .forbidden)  // no CSRF token
      let created = try await send(
        a, .POST, "api/v1/units", as: admin, csrf: admin.csrf, json: newUnit, expect: .created)
      #expect(created.contains("市卫生健康委"))
      _ = try await send(a, .POST, "api/v1/units", as: admin, csrf: admin.csrf, json: newUnit, expect: .conflict)
      let unit = try #require(try await store.unit(code: "WJW"))
      #expect(unit.requiresReplyReview == false)

      // Rules are checked; nothing half-done is stored.
      for (body, field) in [
        (#"{"code":"坏 代码","name":"x","region_id":"\#(world.city.id)"}"#, "code"),
        (#"{"code":"OK1","name":"   ","region_id":"\#(world.city.id)"}"#, "name"),
        (#"{"code":"OK2","name":"某局","region_id":"\#(UUID())"}"#, "region_id"),
      ] {
        let text = try await send(
          a, .POST, "api/v1/units", as: admin, csrf: admin.csrf, json: body, expect: .unprocessableEntity)
        #expect(text.contains(#""field":"\#(field)""#), "\(text)")
      }
      _ = try await send(a, .POST, "api/v1/units", as: admin, csrf: admin.csrf, json: "{", expect: .badRequest)

      // Changes through the other instance; the first sees them.
      let patched = try await send(
        b, .PATCH, "api/v1/units/\(unit.id)", as: admin, csrf: admin.csrf,
        json: #"{"name":"市卫生健康委员会","requires_reply_review":true}"#, expect: .ok)
      #expect(patched.contains(#""requires_reply_review":true"#))
      _ = try await send(
        b, .PATCH, "api/v1/units/\(UUID())", as: admin, csrf: admin.csrf, json: #"{"name":"x"}"#, expect: .notFound)
      _ = try await send(
        b, .PATCH, "api/v1/leaders/\(world.secretary.id)", as: admin, csrf: admin.csrf,
        json: #"{"dispatching_unit_id":"\#(world.countyOffice.id)"}"#, expect: .ok)
      _ = try await send(
        b, .PATCH, "api/v1/regions/\(world.county.id)", as: admin, csrf: admin.csrf, json: #"{"name":"东山区"}"#,
        expect: .ok)
      _ = try await send(
        b, .PATCH, "api/v1/categories/\(world.noise.id)", as: admin, csrf: admin.csrf, json: #"{"name":"噪音扰民"}"#,
        expect: .ok)
      _ = try await send(
        b, .POST, "api/v1/routing-rules", as: admin, csrf: admin.csrf,
        json: #"{"category_id":"\#(world.noise.id)","region_code":"990200","unit_id":"\#(unit.id)"}"#,
        expect: .created)
      _ = try await send(
        b, .POST, "api/v1/routing-rules", as: admin, csrf: admin.csrf,
        json: #"{"category_id":"\#(world.noise.id)","region_code":"000000","unit_id":"\#(unit.id)"}"#,
        expect: .unprocessableEntity)
      let units = try await send(a, .GET, "api/v1/units", as: nil, expect: .ok)
      #expect(units.contains("市卫生健康委员会"))
      #expect(try await send(a, .GET, "api/v1/regions", as: nil, expect: .ok).contains("东山区"))
      #expect(
        try await send(a, .GET, "api/v1/routing-rules", as: nil, expect: .ok).contains(#""region_code":"990200""#))

      // A rule is removed by the id it was created with; only administrators may, and the removal is
      // recorded with the rule's values.
      let extra = try await send(
        b, .POST, "api/v1/routing-rules", as: admin, csrf: admin.csrf,
        json: #"{"category_id":"\#(world.noise.id)","region_code":"990100","unit_id":"\#(unit.id)"}"#,
        expect: .created)
      let ruleID = try #require(
        (try JSONSerialization.jsonObject(with: Data(extra.utf8)) as? [String: Any])?["id"] as? String)
      #expect(try await send(a, .GET, "api/v1/routing-rules", as: nil, expect: .ok).contains(ruleID))
      _ = try await send(a, .DELETE, "api/v1/routing-rules/\(ruleID)", as: nil, expect: .unauthorized)
      _ = try await send(
        a, .DELETE, "api/v1/routing-rules/\(ruleID)", as: handler, csrf: handler.csrf, expect: .forbidden)
      _ = try await send(a, .DELETE, "api/v1/routing-rules/\(ruleID)", as: admin, expect: .forbidden)  // no CSRF token
      _ = try await send(
        a, .DELETE, "api/v1/routing-rules/\(ruleID)", as: admin, csrf: admin.csrf, expect: .noContent)
      _ = try await send(
        a, .DELETE, "api/v1/routing-rules/\(ruleID)", as: admin, csrf: admin.csrf, expect: .notFound)
      _ = try await send(
        a, .DELETE, "api/v1/routing-rules/not-an-id", as: admin, csrf: admin.csrf, expect: .notFound)
      let remaining = try await send(a, .GET, "api/v1/routing-rules", as: nil, expect: .ok)
      #expect(!remaining.contains(ruleID))
      #expect(remaining.contains(#""region_code":"990200""#))
      let removal = try await store.referenceChanges(of: try #require(UUID(uuidString: ruleID)))
      #expect(removal.map(\.action).sorted() == ["create", "delete"])

      // A message taken in by the instance that made the change follows the new settings at once
      // (other instances within the reference cache's five seconds): the secretary's board is now
      // dispatched by the county office.
      let submitted = try await send(
        b, .POST, "api/v1/messages", as: nil,
        json:
          #"{"type":"complaint","title":"夜间施工噪音","body":"工地夜间施工，噪音扰民。","leader_id":"\#(world.secretary.id)","contact":{"name":"顾女士","phone":"13800138000"}}"#,
        expect: .created)
      let messageID = try #require(
        (try JSONSerialization.jsonObject(with: Data(submitted.utf8)) as? [String: Any])?["id"] as? String)
      let uuid = try #require(UUID(uuidString: messageID))
      let message = try #require(try await store.message(uuid))
      #expect(message.dispatchingUnitID == world.countyOffice.id)

      let history = try await store.referenceChanges(of: unit.id)
      #expect(history.map(\.action) == ["create", "update"])
      #expect(history.allSatisfy { $0.actorID == "admin" })
      #expect(history.last?.change.after["requires_reply_review"] == "true")
      #expect(history.last?.change.after["name"] == "市卫生健康委员会")
      let leaderHistory = try await store.referenceChanges(of: world.secretary.id)
      #expect(leaderHistory.map(\.actorID).sorted() == ["admin", "system"])
      #expect(
        leaderHistory.first { $0.action == "update" }?.change.after["dispatching_unit_id"]
          == world.countyOffice.id.uuidString)
    }
  }
}
