import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// Over HTTP: staff of a unit with no part in a message can take no action on it, in any status.
@Suite struct AuthorizationMatrixTests {
  /// Messages of the seeded world led by 住建委, one in each status a unit can meet.
  func messagesInEveryStatus(_ store: Store, _ w: SeededWorld) async throws -> [Status: UUID] {
    var result: [Status: UUID] = [:]
    func new(_ steps: [(MinshengCore.Command, Actor)]) async throws -> UUID {
      let id = try await store.submit(Fixtures.newMessage(leader: w.secretary.id), at: Fixtures.now).message.id
      for (command, actor) in steps { try await store.perform(command, on: id, by: actor, at: Fixtures.now) }
      return id
    }
    let assign = (MinshengCore.Command.assign(lead: w.housing.id, assisting: [w.market.id]), w.dispatcher)
    let accept = (MinshengCore.Command.accept(), w.housingHandler)
    let reply = (MinshengCore.Command.reply(body: "已处理"), w.housingHandler)
    let approve = (MinshengCore.Command.approveReply(), w.housingReviewer)
    result[.received] = try await new([])
    result[.assigned] = try await new([assign])
    result[.accepted] = try await new([assign, accept])
    result[.extensionRequested] = try await new([
      assign, accept, (.requestExtension(workingDays: 3, reason: "核查"), w.housingHandler),
    ])
    result[.reviewing] = try await new([assign, accept, reply])
    result[.returned] = try await new([assign, (.returnToDispatcher(reason: "非本单位"), w.housingHandler)])
    result[.replied] = try await new([assign, accept, reply, approve])
    result[.reopenRequested] = try await new([
      assign, accept, reply, approve,
      (.evaluate(Evaluation(resolution: 1, attitude: 1, speed: 1)), w.author),
    ])
    return result
  }

  static let body: [String: any Sendable] = [
    "lead_unit": "00000000-0000-0000-0000-00000000A003", "reason": "理由", "note": "备注", "working_days": 2,
    "body": "内容", "comment": "意见", "urgent": true,
  ]

  @Test(arguments: TestDatabase.available)
  func outsiders_canTakeNoActionInAnyStatus(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let w = try await SeededWorld.create(in: store)
      let ids = try await messagesInEveryStatus(store, w)
      let hash = try PasswordHashing(cost: 4).hash("correct horse battery")
      // 教育委员会 has no part in any of these messages; the county office does not dispatch them.
      try await store.createStaffAccount(
        username: "jw.handler", passwordHash: hash, role: .handler, unitID: w.education.id, at: Fixtures.now)
      try await store.createStaffAccount(
        username: "jw.reviewer", passwordHash: hash, role: .reviewer, unitID: w.education.id, at: Fixtures.now)
      try await store.createStaffAccount(
        username: "county.dispatcher", passwordHash: hash, role: .dispatcher, unitID: w.countyOffice.id,
        at: Fixtures.now)
      let before = try await store.verifyAudit().eventCount
      try await withApp(configure: { app in
        configure(app, store: store, passwords: PasswordHashing(cost: 4), clock: { Fixtures.now })
      }) { app in
        for user in ["jw.handler", "jw.reviewer", "county.dispatcher"] {
          var token = ""
          try await app.testing().test(
            .POST, "api/v1/auth/token",
            beforeRequest: { request in
              try request.content.encode(["username": user, "password": "correct horse battery"], as: .json)
            }
          ) { response in token = (try? response.content.get(String.self, at: "token")) ?? "" }
          let json = try JSONSerialization.data(withJSONObject: Self.body)
          for (status, id) in ids {
            for action in Action.allCases where action != .evaluate {
              try await app.testing().test(
                .POST, "api/v1/messages/\(id)/actions/\(action.rawValue)",
                beforeRequest: {
                  request in
                  request.headers.bearerAuthorization = .init(token: token)
                  request.headers.contentType = .json
                  request.body = ByteBuffer(data: json)
                }
              ) { response in
                #expect(
                  [.forbidden, .conflict, .unprocessableEntity].contains(response.status),
                  "\(user) \(action.rawValue) on \(status): \(response.status)")
              }
            }
          }
        }
      }
      #expect(try await store.verifyAudit().eventCount == before)
      for (status, id) in ids { #expect(try await store.message(id)?.status == status) }
    }
  }
}
