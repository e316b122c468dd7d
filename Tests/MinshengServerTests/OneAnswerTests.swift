import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import MinshengText
import Testing
import VaporTesting

/// Where two doors once gave two answers to one question, they now give one: the pages and the API
/// admit the same roles to each queue; every intake door classifies and dispatches alike; an action's
/// form asks for what the action reads; a password is judged the same everywhere; and an internal
/// failure is a 500 with an incident id, never a 404.
@Suite struct OneAnswerTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func everyRole_opensTheSameQueues_onThePagesAndThroughTheAPI(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      try await store.createStaffAccount(
        username: "zjw.leader", passwordHash: try sitePasswords.hash(sitePassword), role: .leader,
        unitID: world.housing.id, at: Fixtures.now)
      let roles: [(String, Role, UUID?)] = [
        ("xfb.dispatcher", .dispatcher, world.petitionOffice.id), ("zjw.handler", .handler, world.housing.id),
        ("zjw.reviewer", .reviewer, world.housing.id), ("zjw.leader", .leader, world.housing.id),
        ("dc.supervisor", .supervisor, nil), ("admin", .admin, nil),
      ]
      let queues: [(StaffPlace, page: String, api: String)] = [
        (.inbox, "/staff/inbox", "/api/v1/staff/inbox"), (.pool, "/staff/pool", "/api/v1/staff/pool"),
        (.moderation, "/staff/moderation", "/api/v1/staff/moderation"),
      ]
      for (username, role, unit) in roles {
        let browser = try await logIn(app, username)
        let token = try await token(app, username)
        for (place, page, api) in queues {
          let expected: HTTPStatus =
            StaffAccess.mayOpen(place, Actor(role: role, unitID: unit, id: username)) ? .ok : .forbidden
          #expect(try await get(app, page, cookies: browser.cookies).0 == expected, "\(username) \(page)")
          #expect(try await call(app, .GET, api, token: token).0 == expected, "\(username) \(api)")
        }
      }
      // The drift that was: a unit's leader saw the inbox page but got 403 from the API.
      let leader = try await token(app, "zjw.leader")
      #expect(try await call(app, .GET, "/api/v1/staff/inbox", token: leader).0 == .ok)
    }
  }

  /// Operators' intake goes through the same intake as the citizens' form and the API: the
  /// classifier's suggestion is stored, and 智能分派 assigns — unless the operator answered at once.
  @Test(arguments: TestDatabase.available)
  func operatorsIntake_isTheSameIntake_asTheFormAndTheAPI(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      try await store.createStaffAccount(
        username: "xfb.dispatcher", passwordHash: try sitePasswords.hash(sitePassword), role: .dispatcher,
        unitID: world.petitionOffice.id, at: Fixtures.now)
      try await withApp(configure: { app in
        configure(
          app, store: store, passwords: sitePasswords, classifier: SuggestionTests.classifier,
          autoAssignConfidence: 0.5,
          clock: { Fixtures.now })
      }) { app in
        let browser = try await logIn(app, "xfb.dispatcher")
        func record(_ title: String, answer: String?) async throws -> UUID {
          var fields: [(String, String)] = [
            ("channel", "hotline"), ("board", world.secretary.id.uuidString), ("type", "complaint"),
            ("title", title), ("body", "来电反映小区旁工地每晚施工打桩，建筑噪音扰民。"), ("name", "陈先生"),
            ("phone", "13800138000"), ("visibility", "public"), ("_csrf", browser.csrf),
          ]
          if let answer { fields.append(("answer", answer)) }
          let (status, _, headers) = try await post(app, "/staff/intake", fields, cookies: browser.cookies)
          #expect(status == .seeOther)
          return try #require(
            headers.first(name: .location).flatMap { $0.split(separator: "/").last?.split(separator: "?").first }
              .flatMap { UUID(uuidString: String($0)) })
        }
        let waiting = try await record("工地夜间施工扰民", answer: nil)
        let suggestion = try #require(try await store.suggestion(for: waiting))
        #expect(suggestion.label == "城乡建设" && suggestion.unitID == world.housing.id)
        let assigned = try #require(try await store.message(waiting))
        #expect(assigned.status == .assigned && assigned.leadUnitID == world.housing.id)
        #expect(assigned.channel == .hotline)

        let answered = try await record("工地施工咨询", answer: "已告知来电人夜间施工许可的查询方式。")
        #expect(try await store.suggestion(for: answered) != nil)
        #expect(try await store.message(answered)?.status == .replied)
      }
    }
  }

  /// Each action's form on the case page asks for exactly the fields the action reads, and marks the
  /// required ones; the API names a missing required field.
  @Test(arguments: TestDatabase.available)
  func actionForms_askForWhatTheActionReads(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let received = try await store.submit(Fixtures.newMessage(leader: world.secretary.id), at: Fixtures.now).message
      let accepted = try await store.submit(Fixtures.newMessage(leader: world.secretary.id), at: Fixtures.now).message
      try await store.perform(.assign(lead: world.housing.id), on: accepted.id, by: world.dispatcher, at: Fixtures.now)
      try await store.perform(.accept(), on: accepted.id, by: world.housingHandler, at: Fixtures.now)
      var seen: Set<String> = []
      for (username, id) in [
        ("xfb.dispatcher", received.id), ("zjw.handler", accepted.id), ("dc.supervisor", accepted.id),
      ] {
        let browser = try await logIn(app, username)
        let (status, html) = try await get(app, "/staff/messages/\(id)", cookies: browser.cookies)
        #expect(status == .ok)
        let forms = Self.actionForms(html)
        #expect(!forms.isEmpty, "\(username) is offered actions")
        for (name, inputs) in forms {
          let action = try #require(Action(rawValue: name))
          seen.insert(name)
          let expected = Set(action.fields.map { Self.formNames($0.field) }.joined())
          #expect(Set(inputs.keys) == expected, "\(name): the form asks for \(inputs.keys.sorted())")
          for (field, required) in action.fields where required && field != .urgent {
            for input in Self.formNames(field) { #expect(inputs[input] == true, "\(name): \(input) is required") }
          }
        }
      }
      #expect(
        seen.isSuperset(of: [
          "assign", "mark_invalid", "reply", "request_extension", "note", "supervise", "merge", "set_urgent",
        ]))

      let token = try await token(app, "zjw.handler")
      for action in [Action.reply, .requestExtension, .returnToDispatcher] {
        let (status, body, _) = try await call(
          app, .POST, "/api/v1/messages/\(accepted.id)/actions/\(action.rawValue)", token: token, json: [:])
        #expect(status == .unprocessableEntity, "\(action): \(body)")
        let first = try #require(action.fields.first { $0.required }).field
        #expect(body.contains(#""field":"\#(first.rawValue)""#), "\(action): \(body)")
      }
    }
  }

  /// The names a form gives a field.
  static func formNames(_ field: ActionField) -> [String] {
    switch field {
    case .assistingUnits: ["assisting_units[]"]
    case .into: ["into_serial"]
    case .contact: ["contact_kind", "contacted_at"]
    case .images: ["images[]"]
    default: [field.rawValue]
    }
  }

  /// Each action form of a case page: its action and its inputs, with whether each is required.
  static func actionForms(_ html: String) -> [String: [String: Bool]] {
    var result: [String: [String: Bool]] = [:]
    for block in html.components(separatedBy: #"<details class="form-card action""#).dropFirst() {
      guard let id = block.range(of: #"id="a-"#) else { continue }
      let action = String(block[id.upperBound...].prefix { $0 != "\"" })
      let form = block.components(separatedBy: "</details>")[0]
      var inputs: [String: Bool] = [:]
      for piece in form.components(separatedBy: "<").dropFirst() {
        guard piece.hasPrefix("input") || piece.hasPrefix("select") || piece.hasPrefix("textarea"),
          let start = piece.range(of: #"name=""#)
        else { continue }
        let name = String(piece[start.upperBound...].prefix { $0 != "\"" })
        guard !["_csrf", "expected_version"].contains(name) else { continue }
        let tag = piece.prefix { $0 != ">" }
        inputs[name] = tag.contains(" required")
      }
      result[action] = inputs
    }
    return result
  }

  /// Too short a password is refused with the same words wherever it is set.
  @Test(arguments: TestDatabase.available)
  func passwords_areJudgedByOnePolicy(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let browser = try await logIn(app, "admin")
      let short = String(repeating: "x", count: PasswordPolicy.minimumLength - 1)
      let refusal = try #require(PasswordPolicy.problem(with: short)).chinese
      let added = try await post(
        app, "/staff/admin/users/add",
        [
          ("username", "new.handler"), ("role", "handler"), ("unit_id", world.housing.id.uuidString),
          ("password", short), ("_csrf", browser.csrf),
        ], cookies: browser.cookies)
      #expect(added.0 == .unprocessableEntity)
      #expect(added.1.contains(refusal))
      #expect(try await store.staffAccounts().allSatisfy { $0.username != "new.handler" })
      let handler = try #require(try await store.staffAccounts().first { $0.username == "zjw.handler" })
      let reset = try await post(
        app, "/staff/admin/users/password/\(handler.id)", [("password", short), ("_csrf", browser.csrf)],
        cookies: browser.cookies)
      #expect(reset.0 == .unprocessableEntity)
      #expect(reset.1.contains(refusal))
      #expect(try await token(app, "zjw.handler").hasPrefix("ms_"), "the old password still works")
    }
  }

  /// A failure inside the store is a 500 with an incident id on the page and in the JSON — not a 404
  /// that tells the reader the message does not exist.
  @Test(arguments: TestDatabase.available)
  func anInternalFailure_isA500WithAnIncidentID(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let message = try await store.submit(Fixtures.newMessage(leader: world.secretary.id), at: Fixtures.now).message
      try await store.perform(.assign(lead: world.housing.id), on: message.id, by: world.dispatcher, at: Fixtures.now)
      #expect(try await get(app, "/staff/login").0 == .ok)
      // The events table goes away under the running site: reading a case file now fails.
      try await store.database.executeAdministrative("ALTER TABLE events RENAME TO events_gone")
      let token = try await token(app, "zjw.handler")
      let (status, body, _) = try await call(app, .GET, "/api/v1/staff/messages/\(message.id)", token: token)
      #expect(status == .internalServerError, "\(body)")
      let incident = try #require(
        body.range(of: #""incident":""#).map { String(body[$0.upperBound...].prefix { $0 != "\"" }) })
      #expect(incident.count == 8)
      #expect(body.contains(incident) && !body.contains("events"), "no internals in the answer: \(body)")

      let browser = try await logIn(app, "zjw.handler")
      let page = try await get(app, "/staff/messages/\(message.id)", cookies: browser.cookies)
      #expect(page.0 == .internalServerError)
      #expect(!page.1.contains("events"))
      let shown = try #require(
        page.1.range(of: #"role="alert">"#).map { String(page.1[$0.upperBound...].prefix { $0 != "<" }) })
      #expect(shown.range(of: #"[0-9a-f]{8}"#, options: .regularExpression) != nil, "\(shown)")
      try await store.database.executeAdministrative("ALTER TABLE events_gone RENAME TO events")
    }
  }
}
