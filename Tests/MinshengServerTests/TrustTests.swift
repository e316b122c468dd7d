import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// The holes found from outside (issue #17), each closed and kept closed.
@Suite struct TrustTests: SiteTesting {
  /// Whether a header value is free of control characters.
  static func isSafe(_ text: String) -> Bool {
    !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
  }

  /// `/lang/{code}?back=` goes back only to a page of this site, and no header is ever split.
  @Test(arguments: TestDatabase.available)
  func languageSwitch_plantsNoHeader_andGoesNowhereElse(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let app = site.app
      // `back` as it appears in the request line, and where the switch must lead.
      let cases = [
        ("/%0D%0ASet-Cookie:%20minsheng_form=AAAA", "/"), ("/%0ASet-Cookie:%20x=1", "/"), ("/%09/evil.example", "/"),
        ("//evil.example/", "/"), ("/%5C/evil.example", "/"), ("https://evil.example/", "/"), ("/%E3%80%80", "/"),
        ("%2Fmessages%3Ftype%3Dcomplaint%26status%3Dreplied", "/messages?type=complaint&status=replied"),
        ("/messages/2026-000123", "/messages/2026-000123"),
      ]
      for (back, expected) in cases {
        try await app.testing().test(.GET, "/lang/zh?back=\(back)") { response in
          #expect(response.status == .seeOther, "\(back)")
          let location = response.headers[.location]
          #expect(location == [expected], "\(back)")
          #expect(location.allSatisfy(Self.isSafe))
          let cookies = response.headers[.setCookie]
          #expect(cookies.count == 1 && cookies[0].hasPrefix("minsheng_lang=zh"), "\(back): \(cookies)")
        }
      }
      // The switch on a filtered list comes back to the same filters.
      let (_, html) = try await get(app, "/messages?type=complaint&status=replied")
      #expect(
        html.contains("/lang/en?back=/messages?type%3Dcomplaint%26status%3Dreplied"),
        "the switch keeps the whole query as one value")
    }
  }

  /// A message that names no board and no region still has an owner office (the platform's), and a
  /// dispatcher of another office can neither read it nor act on it.
  @Test(arguments: TestDatabase.available)
  func aMessageWithoutBoardOrRegion_isOwned_andOtherDispatchersLearnNothing(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let (status, body, _) = try await call(
        app, .POST, "/api/v1/messages",
        json: [
          "type": "complaint", "title": "路灯不亮", "body": "人民路的路灯坏了一个月，晚上很黑。",
          "contact": ["name": "顾秀英", "phone": "13912345678"],
        ])
      #expect(status == .created, "\(body)")
      let id = try #require(
        body.range(of: #""id":""#).flatMap { UUID(uuidString: String(body[$0.upperBound...].prefix(36))) })
      #expect(try await store.message(id)?.dispatchingUnitID == world.petitionOffice.id)
      let events = try await store.events(of: id).count

      let county = try await token(app, "xq.dispatcher")
      for (method, path, json) in [
        (HTTPMethod.POST, "/api/v1/messages/\(id)/actions/note", ["note": "看看"] as [String: any Sendable]),
        (.POST, "/api/v1/messages/\(id)/actions/assign", ["lead_unit": world.housing.id.uuidString]),
        (.GET, "/api/v1/staff/messages/\(id)", nil),
      ] {
        let (status, answer, _) = try await call(app, method, path, token: county, json: json)
        #expect(status == .forbidden, "\(path): \(answer)")
        #expect(!answer.contains("13912345678") && !answer.contains("顾秀英"), "\(path) leaks: \(answer)")
      }
      #expect(try await store.events(of: id).count == events, "nothing was done")

      let city = try await token(app, "xfb.dispatcher")
      let noted = try await call(app, .POST, "/api/v1/messages/\(id)/actions/note", token: city, json: ["note": "已联系"])
      #expect(noted.0 == .ok, "\(noted.1)")

      // The platform's office can be named in the configuration.
      var policy = IntakePolicy.open
      policy.defaultOffice = world.countyOffice.code
      let configured = Store(database: store.database, rules: store.rules, policy: policy)
      var input = Fixtures.newMessage(title: "无对象的留言")
      input.leaderID = nil
      input.regionID = nil
      let owned = try await configured.submit(input, at: Fixtures.now).message
      #expect(owned.dispatchingUnitID == world.countyOffice.id)
    }
  }

  /// Fifty wrong passwords at once: at most five are checked; after them every answer is 429, the
  /// right password too. Unknown and disabled names answer exactly as a real one does.
  @Test(arguments: TestDatabase.available)
  func guessesInParallel_atMostFiveAreChecked_andNamesAreNotTold(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      func attempt(_ username: String, _ password: String) async throws -> HTTPStatus {
        try await call(app, .POST, "/api/v1/auth/token", json: ["username": username, "password": password]).0
      }
      let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
        for _ in 0..<50 { group.addTask { try await attempt("zjw.handler", "wrong password!") } }
        return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
      }
      #expect(statuses.filter { $0 == .unauthorized }.count == 5, "\(statuses)")
      #expect(statuses.filter { $0 == .tooManyRequests }.count == 45)
      #expect(try await attempt("zjw.handler", sitePassword) == .tooManyRequests)
      let (_, _, headers) = try await call(
        app, .POST, "/api/v1/auth/session", json: ["username": "zjw.handler", "password": sitePassword])
      #expect(Int(headers.first(name: "Retry-After") ?? "") ?? 0 > 0)

      try await store.createStaffAccount(
        username: "gone.handler", passwordHash: try sitePasswords.hash(sitePassword), role: .handler,
        unitID: world.housing.id, at: Fixtures.now)
      try await store.disable(username: "gone.handler", by: "admin", at: Fixtures.now)
      for username in ["nobody.here", "gone.handler", "scjg.handler"] {
        let password = username == "gone.handler" ? sitePassword : "wrong password!"
        var answers: [HTTPStatus] = []
        for _ in 0..<6 { answers.append(try await attempt(username, password)) }
        #expect(answers == Array(repeating: .unauthorized, count: 5) + [.tooManyRequests], "\(username): \(answers)")
      }
      // An administrator's new password lifts the wait.
      try await store.setPassword(username: "zjw.handler", passwordHash: try sitePasswords.hash("a new password 2"))
      #expect(try await attempt("zjw.handler", "a new password 2") == .created)
    }
  }

  /// A token can be listed and revoked by its holder; a new password ends every session and token.
  @Test(arguments: TestDatabase.available)
  func tokens_areListedAndRevoked_andANewPasswordEndsThemAll(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store) = (site.app, site.store)
      let first = try await token(app, "zjw.handler")
      let second = try await token(app, "zjw.handler")
      let other = try await token(app, "scjg.handler")
      let (status, body, _) = try await call(app, .GET, "/api/v1/auth/tokens", token: first)
      #expect(status == .ok)
      let ids = body.components(separatedBy: #""id":""#).dropFirst().map { String($0.prefix(36)) }
      #expect(ids.count == 2 && !body.contains(first) && !body.contains(second), "\(body)")
      // Another's token cannot be revoked, or even found.
      let (_, otherBody, _) = try await call(app, .GET, "/api/v1/auth/tokens", token: other)
      let otherID = try #require(
        otherBody.components(separatedBy: #""id":""#).dropFirst().first.map { String($0.prefix(36)) })
      #expect(try await call(app, .DELETE, "/api/v1/auth/tokens/\(otherID)", token: first).0 == .notFound)
      #expect(try await call(app, .GET, "/api/v1/staff/inbox", token: other).0 == .ok)
      // Revoking one leaves the other.
      #expect(try await call(app, .DELETE, "/api/v1/auth/tokens/\(ids[0])", token: second).0 == .noContent)
      var working = 0
      for token in [first, second] where try await call(app, .GET, "/api/v1/staff/inbox", token: token).0 == .ok {
        working += 1
      }
      #expect(working == 1)
      #expect(try await call(app, .DELETE, "/api/v1/auth/tokens/\(ids[0])", token: second).0 != .noContent)

      let browser = try await logIn(app, "zjw.handler")
      #expect(try await get(app, "/staff/inbox", cookies: browser.cookies).0 == .ok)
      try await store.setPassword(username: "zjw.handler", passwordHash: try sitePasswords.hash("a new password 2"))
      for token in [first, second] {
        #expect(try await call(app, .GET, "/api/v1/staff/inbox", token: token).0 == .unauthorized)
      }
      #expect(try await get(app, "/staff/inbox", cookies: browser.cookies).0 != .ok, "the session ended too")
      #expect(try await call(app, .GET, "/api/v1/staff/inbox", token: other).0 == .ok, "others keep theirs")
    }
  }

  /// One address asking codes for twenty numbers gets as many as its limit allows, then 429 with
  /// `Retry-After`; the number's and the platform's limits hold as well.
  @Test(arguments: TestDatabase.available)
  func codes_areCappedPerAddressPerNumberAndOverall(db: TestDatabase) async throws {
    var policy = IntakePolicy.open
    policy.codesPerAddress = RateLimit(count: 3, window: 3_600)
    policy.codesPerNumber = RateLimit(count: 2, window: 3_600)
    policy.codesOverall = RateLimit(count: 5, window: 3_600)
    try await withSite(db, policy: policy) { site in
      let app = site.app
      let (cookie, token) = try await formToken(app, "/account")
      func ask(_ phone: String) async throws -> (HTTPStatus, String, HTTPHeaders) {
        try await post(app, "/account/code", [("phone", phone), ("_csrf", token)], cookies: cookie)
      }
      var statuses: [HTTPStatus] = []
      for index in 0..<20 { statuses.append(try await ask("1390000\(String(format: "%04d", index))").0) }
      #expect(
        statuses.prefix(3).allSatisfy { $0 == .ok } && statuses.dropFirst(3).allSatisfy { $0 == .tooManyRequests })
      let refused = try await ask("13911112222")
      #expect(Int(refused.2.first(name: "Retry-After") ?? "") ?? 0 > 0)
      #expect(refused.1.contains("同一网络地址每小时最多获取 3 次验证码"), "the page says why")
      #expect(try await site.store.outbox(limit: 100).filter { $0.channel == "sms" }.count == 3, "three texts, no more")

      // Per number (from other addresses, a minute apart) and on the whole platform.
      let store = site.store
      var now = Fixtures.now.addingTimeInterval(10)
      func code(_ phone: String, _ address: String) async throws -> String {
        now = now.addingTimeInterval(61)
        do {
          try await store.issuePhoneCode(to: phone, from: IntakeOrigin(address: address, region: nil), at: now)
          return "sent"
        } catch let error as StoreError {
          guard case .rateLimited(let what, _, _) = error else { throw error }
          return what.rawValue
        }
      }
      #expect(try await code("13700000001", "198.51.100.1") == "sent")
      #expect(try await code("13700000001", "198.51.100.2") == "sent")
      #expect(try await code("13700000001", "198.51.100.3") == "phoneCodesPerNumber", "a third for the number")
      #expect(try await code("13700000002", "198.51.100.4") == "phoneCodesOverall", "a sixth on the platform")
    }
  }

  /// Codes written to the log are for development: an https site without a gateway does not start.
  @Test func anHTTPSSite_withoutAnSMSGateway_refusesToStart() throws {
    #expect(throws: Configuration.Problems.self) { try Configuration.read(from: ["BASE_URL": "https://x.example.cn"]) }
    _ = try Configuration.read(from: ["BASE_URL": "https://x.example.cn", "MINSHENG_SMS_LOG_OK": "1"])
    _ = try Configuration.read(
      from: ["BASE_URL": "https://x.example.cn", "MINSHENG_SMS_GATEWAY_URL": "https://sms.example.cn/send"])
    _ = try Configuration.read(from: ["BASE_URL": "http://127.0.0.1:8080"])
  }

  /// Read replicas are PostgreSQL's, named by URL; anything else stops the start, the password hidden.
  @Test func readReplicas_arePostgresURLs_besidePostgres() throws {
    let primary = "postgres://m:secret@db-1:5432/minsheng"
    let read = try Configuration.read(
      from: [
        "DATABASE_URL": primary,
        "DATABASE_READ_URLS": "postgres://m:secret@db-2:5432/minsheng, postgres://m:secret@db-3:5432/minsheng",
      ])
    #expect(read.readReplicas == ["postgres://m:secret@db-2:5432/minsheng", "postgres://m:secret@db-3:5432/minsheng"])
    #expect(try Configuration.read(from: ["DATABASE_URL": primary]).readReplicas.isEmpty)
    do {
      _ = try Configuration.read(from: ["DATABASE_READ_URLS": "postgres://m:secret@db-2:5432/minsheng"])
      Issue.record("replicas of SQLite were accepted")
    } catch {
      #expect(error.description.contains("DATABASE_READ_URLS") && !error.description.contains("secret"))
    }
    do {
      _ = try Configuration.read(from: ["DATABASE_URL": primary, "DATABASE_READ_URLS": "mysql://m:secret@db-2/x"])
      Issue.record("a replica that is not PostgreSQL was accepted")
    } catch {
      #expect(error.description.contains("DATABASE_READ_URLS") && !error.description.contains("secret"))
    }
  }

  /// SQLite's page memory is bounded by default and set in megabytes; a bad value stops the start.
  @Test func sqliteMemory_isBoundedByDefault_andReadInMegabytes() throws {
    #expect(try Configuration.read(from: [:]).sqliteMemory == .bounded)
    let set = try Configuration.read(from: ["MINSHENG_SQLITE_MAP_MB": "256", "MINSHENG_SQLITE_CACHE_MB": "16"])
    #expect(set.sqliteMemory == SQLiteMemory(mapBytes: 256 << 20, cacheKiB: 16 << 10))
    for (key, value) in [
      ("MINSHENG_SQLITE_MAP_MB", "-1"), ("MINSHENG_SQLITE_MAP_MB", "1 GB"), ("MINSHENG_SQLITE_CACHE_MB", "0"),
    ] {
      #expect(throws: Configuration.Problems.self) { try Configuration.read(from: [key: value]) }
    }
  }

  /// A message through the API names a number it has not proved: it is taken, marked 未核验, and never
  /// listed in that number's 我的留言. With the code the API can send, it is proved like the form's.
  @Test(arguments: TestDatabase.available)
  func apiIntake_withoutACode_isUnproved_andNotInTheNumbersAccount(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      func message(_ title: String, code: String? = nil) -> [String: any Sendable] {
        var body: [String: any Sendable] = [
          "type": "complaint", "title": title, "body": "小区门口路灯坏了一个月。", "leader_id": world.secretary.id.uuidString,
          "contact": ["name": "顾女士", "phone": "13912345678"] as [String: any Sendable],
        ]
        if let code { body["phone_code"] = code }
        return body
      }
      func id(_ body: String) throws -> UUID {
        try #require(body.range(of: #""id":""#).flatMap { UUID(uuidString: String(body[$0.upperBound...].prefix(36))) })
      }
      let (status, body, _) = try await call(app, .POST, "/api/v1/messages", json: message("冒名的留言"))
      #expect(status == .created)
      let unproved = try id(body)
      #expect(try await store.message(unproved)?.phoneVerified == false)
      #expect(try await store.messages(ofPhone: "13912345678").isEmpty, "not in 我的留言")
      #expect(try await store.isWritten(unproved, byPhone: "13912345678") == false)
      let token = try await token(app, "xfb.dispatcher")
      #expect(
        try await call(app, .GET, "/api/v1/staff/messages/\(unproved)", token: token).1.contains(
          #""phone_verified":false"#))
      let browser = try await logIn(app, "xfb.dispatcher")
      #expect(try await get(app, "/staff/messages/\(unproved)", cookies: browser.cookies).1.contains("未核验"))

      // A wrong code: refused, nothing stored.
      let before = try await store.allMessages().count
      #expect(
        try await call(app, .POST, "/api/v1/messages", json: message("错码", code: "000000")).0 == .unprocessableEntity)
      #expect(try await store.allMessages().count == before)
      // The code the API sends proves the number.
      #expect(try await call(app, .POST, "/api/v1/phone-codes", json: ["phone": "13912345678"]).0 == .accepted)
      let text = try #require(try await store.outbox(limit: 10).last { $0.channel == "sms" }?.body)
      let code = String(try #require(text.firstMatch(of: /[0-9]{6}/)).output)
      let (proved, provedBody, _) = try await call(app, .POST, "/api/v1/messages", json: message("本人的留言", code: code))
      #expect(proved == .created, "\(provedBody)")
      #expect(try await store.messages(ofPhone: "13912345678").map(\.id) == [try id(provedBody)])
    }
  }

  /// A name that does not read as it is written is refused: control characters, private-use code
  /// points, a right-to-left override.
  @Test(arguments: TestDatabase.available)
  func referenceNames_mustReadAsWritten(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let token = try await token(app, "admin")
      for name in ["住建委\u{0007}", "\u{202E}委建住", "住建\u{E000}委", "住建委\n二处", "\u{200B}"] {
        let (status, body, _) = try await call(
          app, .PATCH, "/api/v1/units/\(world.housing.id)", token: token, json: ["name": name])
        #expect(status == .unprocessableEntity, "\(name.unicodeScalars.map { String($0.value, radix: 16) }): \(body)")
      }
      #expect(try await store.unit(world.housing.id)?.name == "市住建委")
      #expect(
        try await call(app, .PATCH, "/api/v1/units/\(world.housing.id)", token: token, json: ["name": "市住房和城乡建设委员会"]).0
          == .ok)
    }
  }

  /// A thanks letter with a blocked word is refused; its signature reads as its author previewed it.
  @Test(arguments: TestDatabase.available)
  func thanksLetters_areScreened_andTheSignatureIsPreviewed(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (store, world) = (site.store, site.world)
      _ = try await store.addBannedWord("笨蛋", severity: .block, by: "admin", at: Fixtures.now)
      let message = try await store.submit(Fixtures.newMessage(leader: world.secretary.id), at: Fixtures.now).message
      try await store.perform(.answerDirectly(body: "已处理。"), on: message.id, by: world.dispatcher, at: Fixtures.now)
      let answered = try #require(try await store.message(message.id))
      await #expect(throws: ValidationError.self) {
        try await store.thank(answered, author: "顾女士", body: "你们不是笨蛋，谢谢！", at: Fixtures.now)
      }
      await #expect(throws: ValidationError.self) {
        _ = try await store.perform(
          .evaluate(Evaluation(resolution: 5, attitude: 5, speed: 5, comment: "笨蛋")), on: message.id,
          by: world.author, at: Fixtures.now)
      }
      let preview = store.thanksPreview(of: answered, author: "和平小区 顾秀英女士", body: "请打 13912345678 找我。")
      #expect(preview.author == "顾女士")
      #expect(preview.body.contains("139****5678"))
      let letter = try await store.thank(answered, author: "和平小区 顾秀英女士", body: "谢谢！", at: Fixtures.now)
      #expect(try await store.publicFile(message.id)?.thanks?.author == preview.author)
      #expect(letter.author == "和平小区 顾秀英女士", "the signature is kept as written, for the unit")
    }
  }
}
