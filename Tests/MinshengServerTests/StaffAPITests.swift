import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@Suite struct StaffAPITests {
  static let passwords = PasswordHashing(cost: 4)
  static let password = "correct horse battery"

  /// An application with the seeded world and one account per role.
  func withStaffAPI(
    _ db: TestDatabase, _ body: @Sendable @escaping (Application, Store, SeededWorld) async throws -> Void
  ) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let hash = try Self.passwords.hash(Self.password)
      for (name, role, unit) in [
        ("xfb.dispatcher", Role.dispatcher, world.petitionOffice.id), ("zjw.handler", .handler, world.housing.id),
        ("zjw.reviewer", .reviewer, world.housing.id), ("scjg.handler", .handler, world.market.id),
        ("jw.handler", .handler, world.education.id), ("dc.supervisor", .supervisor, nil),
      ] {
        try await store.createStaffAccount(
          username: name, passwordHash: hash, role: role, unitID: unit, at: Fixtures.now)
      }
      try await withApp(configure: { app in
        configure(app, store: store, passwords: Self.passwords, clock: { Fixtures.now })
      }) { app in
        try await body(app, store, world)
      }
    }
  }

  func token(_ app: Application, _ username: String, password: String = password) async throws -> String {
    var token = ""
    try await app.testing().test(
      .POST, "api/v1/auth/token",
      beforeRequest: { request in
        try request.content.encode(["username": username, "password": password], as: .json)
      }
    ) { response in
      #expect(response.status == .created, "\(username): \(response.body.string)")
      token = (try? response.content.get(String.self, at: "token")) ?? ""
    }
    return token
  }

  func act(
    _ app: Application, _ token: String?, _ id: UUID, _ action: String, _ body: [String: any Sendable] = [:],
    expect status: HTTPStatus, file: String = #fileID, line: Int = #line
  ) async throws -> String {
    var text = ""
    let json = try JSONSerialization.data(withJSONObject: body)
    try await app.testing().test(
      .POST, "api/v1/messages/\(id)/actions/\(action)",
      beforeRequest: { request in
        if let token { request.headers.bearerAuthorization = .init(token: token) }
        request.headers.contentType = .json
        request.body = ByteBuffer(data: json)
      }
    ) { response in
      text = response.body.string
      #expect(response.status == status, "\(action) at line \(line): \(text)")
    }
    return text
  }

  @Test(arguments: TestDatabase.available)
  func tokens_areIssuedForTheRightPassword_andFiveFailuresLockTheAccount(db: TestDatabase) async throws {
    try await withStaffAPI(db) { app, _, _ in
      #expect(try await token(app, "zjw.handler").hasPrefix("ms_"))
      for _ in 0..<5 {
        try await app.testing().test(
          .POST, "api/v1/auth/token",
          beforeRequest: { request in
            try request.content.encode(["username": "zjw.handler", "password": "wrong password!"], as: .json)
          }
        ) { response in #expect(response.status == .unauthorized) }
      }
      try await app.testing().test(
        .POST, "api/v1/auth/token",
        beforeRequest: { request in
          try request.content.encode(["username": "zjw.handler", "password": Self.password], as: .json)
        }
      ) { response in
        #expect(response.status == .tooManyRequests)
        #expect(response.body.string.contains("登录尝试过于频繁"))
      }
      try await app.testing().test(
        .POST, "api/v1/auth/token",
        beforeRequest: { request in
          try request.content.encode(["username": "nobody", "password": Self.password], as: .json)
        }
      ) { response in #expect(response.status == .unauthorized) }
    }
  }

  @Test(arguments: TestDatabase.available)
  func actions_needAValidToken(db: TestDatabase) async throws {
    try await withStaffAPI(db) { app, store, w in
      let id = try await store.submit(Fixtures.newMessage(leader: w.secretary.id), at: Fixtures.now).message.id
      _ = try await act(app, nil, id, "assign", ["lead_unit": w.housing.id.uuidString], expect: .unauthorized)
      _ = try await act(app, "ms_forged", id, "assign", ["lead_unit": w.housing.id.uuidString], expect: .unauthorized)
      let token = try await token(app, "xfb.dispatcher")
      try await store.disable(username: "xfb.dispatcher")
      _ = try await act(app, token, id, "assign", ["lead_unit": w.housing.id.uuidString], expect: .unauthorized)
      #expect(try await store.message(id)?.status == .received)
    }
  }

  @Test(arguments: TestDatabase.available)
  func wholeCaseOverHTTP_withUnitChecks_conflicts_andTheAuthorsEvaluation(db: TestDatabase) async throws {
    try await withStaffAPI(db) { app, store, w in
      let submission = try await store.submit(Fixtures.newMessage(leader: w.secretary.id), at: Fixtures.now)
      let id = submission.message.id
      let dispatcher = try await token(app, "xfb.dispatcher")
      let housing = try await token(app, "zjw.handler")
      let reviewer = try await token(app, "zjw.reviewer")
      let market = try await token(app, "scjg.handler")
      let education = try await token(app, "jw.handler")

      _ = try await act(app, dispatcher, id, "assign", [:], expect: .unprocessableEntity)
      _ = try await act(app, dispatcher, id, "teleport", [:], expect: .notFound)
      // A unit that has no part in the case yet cannot even read it: 403 before the workflow is asked.
      _ = try await act(app, housing, id, "assign", ["lead_unit": w.housing.id.uuidString], expect: .forbidden)
      let assigned = try await act(
        app, dispatcher, id, "assign",
        ["lead_unit": w.housing.id.uuidString, "assisting_units": [w.market.id.uuidString], "instruction": "请核实"],
        expect: .ok)
      #expect(assigned.contains(#""version":2"#))
      #expect(assigned.contains("13800138000"))  // staff who may act see the contact details
      _ = try await act(app, education, id, "accept", expect: .forbidden)
      _ = try await act(app, market, id, "accept", expect: .forbidden)
      _ = try await act(app, housing, id, "accept", ["expected_version": 1], expect: .conflict)
      _ = try await act(app, housing, id, "accept", ["expected_version": 2], expect: .ok)
      _ = try await act(app, housing, id, "accept", expect: .conflict)
      _ = try await act(app, market, id, "contribute", ["body": "已清理周边摊点"], expect: .ok)
      _ = try await act(app, housing, id, "reply", ["body": "经核查，已责令停止夜间施工。"], expect: .ok)
      _ = try await act(app, market, id, "approve_reply", expect: .conflict)
      _ = try await act(app, reviewer, id, "approve_reply", expect: .ok)

      try await app.testing().test(
        .POST, "api/v1/messages/\(id)/evaluation",
        beforeRequest: { request in
          try request.content.encode(
            ["tracking_code": "2222-2222-2222-2222", "resolution": "1"], as: .json)
        }
      ) { response in #expect(response.status == .badRequest) }
      try await app.testing().test(
        .POST, "api/v1/messages/\(id)/evaluation",
        beforeRequest: { request in
          request.headers.contentType = .json
          request.body = ByteBuffer(
            string:
              #"{"tracking_code":"\#(submission.trackingCode)","resolution":1,"attitude":3,"speed":2,"comment":"夜里还在施工"}"#
          )
        }
      ) { response in
        #expect(response.status == .ok)
        #expect(response.body.string.contains(#""status":"reopen_requested""#))
      }
      let message = try #require(try await store.message(id))
      #expect(message.status == .reopenRequested)
      #expect(try await store.verifyAudit().isIntact)
    }
  }
}

extension StaffAPITests {
  @Test(arguments: TestDatabase.available)
  func queues_showEachUnitOnlyItsOwnMessages(db: TestDatabase) async throws {
    try await withStaffAPI(db) { app, store, w in
      let toHousing = try await store.submit(Fixtures.newMessage(title: "甲", leader: w.secretary.id), at: Fixtures.now)
        .message.id
      let toMarket = try await store.submit(Fixtures.newMessage(title: "乙", leader: w.secretary.id), at: Fixtures.now)
        .message.id
      _ = try await store.submit(Fixtures.newMessage(title: "丙", region: w.county.id), at: Fixtures.now)
      try await store.perform(.assign(lead: w.housing.id), on: toHousing, by: w.dispatcher, at: Fixtures.now)
      try await store.perform(.assign(lead: w.market.id), on: toMarket, by: w.dispatcher, at: Fixtures.now)
      func serials(_ user: String, _ path: String, expect status: HTTPStatus = .ok) async throws -> [String] {
        let token = try await token(app, user)
        var serials: [String] = []
        try await app.testing().test(
          .GET, path,
          beforeRequest: { request in
            request.headers.bearerAuthorization = .init(token: token)
          }
        ) { response in
          #expect(response.status == status, "\(user) \(path)")
          if status == .ok { serials = try response.content.decode(ListAPITests.Page.self).items.map(\.serial) }
        }
        return serials
      }
      #expect(try await serials("zjw.handler", "api/v1/staff/inbox") == ["2026-000001"])
      #expect(try await serials("scjg.handler", "api/v1/staff/inbox") == ["2026-000002"])
      #expect(try await serials("jw.handler", "api/v1/staff/inbox").isEmpty)
      // The county message is dispatched by the county office, not the city's petition office.
      #expect(try await serials("xfb.dispatcher", "api/v1/staff/pool").isEmpty)
      #expect(try await serials("dc.supervisor", "api/v1/staff/pool") == ["2026-000003"])
      _ = try await serials("zjw.handler", "api/v1/staff/pool", expect: .forbidden)
      _ = try await serials("xfb.dispatcher", "api/v1/staff/inbox", expect: .forbidden)
    }
  }
}
