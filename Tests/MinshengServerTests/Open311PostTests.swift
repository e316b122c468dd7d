import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@testable import MinshengServer

/// Open311 `POST requests` (§2.4): a partner's API key, one location, the spec's errors, and a request
/// that reads back exactly as it was posted — Chinese and English, emoji, quotes, line breaks,
/// coordinates with eight decimals, an address with its unit numbers.
@Suite struct Open311PostTests: SiteTesting {
  func form(_ fields: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
      .joined(separator: "&")
  }

  func post(_ app: Application, _ path: String, _ fields: [(String, String)]) async throws -> (HTTPStatus, String) {
    var result: (HTTPStatus, String) = (.internalServerError, "")
    try await app.testing().test(
      .POST, path,
      beforeRequest: { request in
        request.headers.contentType = .urlEncodedForm
        request.body = ByteBuffer(string: form(fields))
      }
    ) { result = ($0.status, $0.body.string) }
    return result
  }

  @Test(arguments: TestDatabase.available)
  func aPostedRequest_readsBackExactly_andTheSpecsErrorsHold(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, now) = (site.app, site.store, site.clock.now)
      let (key, secret) = try await store.issueOpen311Key(name: "示范市 12345 app", by: "admin", at: now)
      #expect(secret.hasPrefix("ms311_") && secret.count == 54)
      #expect(try await store.recentReferenceChanges().contains { $0.change.entity == "open311_key" })
      let description = """
        3栋2单元501室门口的路灯 "一直不亮" 🌙
        Street light outside unit 501, block 3, out since Monday — it's dark & unsafe.
        请尽快修复，谢谢！
        """
      let good: [(String, String)] = [
        ("api_key", secret), ("service_code", "CXJS-SGZY"), ("lat", "29.56301234"), ("long", "106.55138765"),
        ("address_string", "示范市中心区光明路88号3栋2单元501室"), ("first_name", "晓红"), ("last_name", "顾"),
        ("email", "gu@example.org"), ("description", description), ("attribute[WHISPAWN]", "123"),
      ]
      func without(_ name: String) -> [(String, String)] { good.filter { $0.0 != name } }

      // The key: missing, wrong or revoked is 403, before anything else is looked at.
      for fields in [without("api_key"), without("api_key") + [("api_key", "ms311_nope")]] {
        let (status, body) = try await post(app, "/open311/v2/requests.json", fields)
        #expect(status == .forbidden && body.contains("\"code\":403"))
      }
      // The service, the location, the text and the person: 400 for what is missing or wrong, 404 for
      // a service that does not exist.
      let refused: [([(String, String)], HTTPStatus)] = [
        (without("service_code"), .badRequest),
        (without("service_code") + [("service_code", "NOPE")], .notFound),
        (good.filter { !["lat", "long", "address_string"].contains($0.0) }, .badRequest),
        (without("long"), .badRequest),
        (without("lat") + [("lat", "95")], .badRequest),
        (without("description"), .badRequest),
        (without("description") + [("description", String(repeating: "长", count: 4_001))], .badRequest),
        (good.filter { !["first_name", "last_name"].contains($0.0) }, .badRequest),
        (without("email"), .badRequest),
      ]
      for (fields, expected) in refused {
        let (status, body) = try await post(app, "/open311/v2/requests.xml", fields)
        #expect(status == expected, "\(fields.map(\.0))")
        #expect(body.contains("<errors><error><code>\(expected.code)</code>"), "\(fields.map(\.0))")
      }
      #expect(try await post(app, "/open311/v2/services.json", good).0 == .methodNotAllowed)

      // A good one: 201 with its id (never a token), then read back exactly.
      let (status, body) = try await post(app, "/open311/v2/requests.json", good)
      #expect(status == .created)
      let answer = try #require(
        try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])
      #expect(answer.count == 1 && answer[0]["token"] == nil)
      let id = try #require(answer[0]["service_request_id"] as? String)
      let (_, read, _) = try await call(app, .GET, "/open311/v2/requests/\(id).json")
      let request = try #require((try JSONSerialization.jsonObject(with: Data(read.utf8)) as? [[String: Any]])?.first)
      #expect(request["description"] as? String == description)
      #expect(request["service_code"] as? String == "CXJS-SGZY")
      #expect(request["address"] as? String == "示范市中心区光明路88号3栋2单元501室")
      #expect(request["lat"] as? Double == 29.56301234 && request["long"] as? Double == 106.55138765)
      #expect(!read.contains("gu@example.org") && !read.contains("晓红"))
      let xml = try await call(app, .GET, "/open311/v2/requests/\(id).xml").1
      #expect(xml.contains("<lat>29.56301234</lat><long>106.55138765</long>"))
      #expect(
        xml.contains(
          "&quot;一直不亮&quot; 🌙\nStreet light outside unit 501, block 3, out since Monday — it's dark &amp; unsafe."))
      // Stored as a message of the partner channel, with the name in Chinese order.
      let serial = try #require(Serial(id))
      let message = try #require(try await store.message(serial: serial))
      #expect(message.channel == .app && message.contact.name == "顾晓红" && message.contact.phone.isEmpty)

      // A key scoped to 12345's system posts messages of the hotline channel; a key cannot be scoped
      // to the site's own channels.
      let hotline = try await store.issueOpen311Key(name: "12345 工单系统", channel: .hotline, by: "admin", at: now)
      #expect(hotline.key.channel == .hotline)
      #expect(try await store.open311Keys().first { $0.id == hotline.key.id }?.channel == .hotline)
      var fromHotline = good.filter { $0.0 != "api_key" }
      fromHotline.append(("api_key", hotline.secret))
      // A hotline case names its caller's number, as an operator's does.
      let noCaller = try await post(app, "/open311/v2/requests.json", fromHotline)
      #expect(noCaller.0 == .badRequest && noCaller.1.contains("contact.phone"))
      fromHotline.append(("phone", "13812345678"))
      let (hotlineStatus, hotlineBody) = try await post(app, "/open311/v2/requests.json", fromHotline)
      #expect(hotlineStatus == .created, "\(hotlineBody)")
      let hotlineID = try #require(
        (try JSONSerialization.jsonObject(with: Data(hotlineBody.utf8)) as? [[String: Any]])?.first?[
          "service_request_id"] as? String)
      #expect(try await store.message(serial: try #require(Serial(hotlineID)))?.channel == .hotline)
      await #expect(throws: ValidationError.self) {
        try await store.issueOpen311Key(name: "网站", channel: .web, by: "admin", at: now)
      }

      // `address_id` (the partner's master address list) is kept apart from the address and given back
      // as sent, alone or beside the address; a long one is refused by name.
      let withID =
        good.filter { !["lat", "long", "address_string"].contains($0.0) } + [("address_id", "DZ-500103-0088-3-2-501")]
      let both = good + [("address_id", "  7788990011  ")]
      var readBack: [[String: Any]] = []
      for fields in [withID, both] {
        let (posted, answerBody) = try await post(app, "/open311/v2/requests.json", fields)
        #expect(posted == .created, "\(answerBody)")
        let postedID = try #require(
          (try JSONSerialization.jsonObject(with: Data(answerBody.utf8)) as? [[String: Any]])?.first?[
            "service_request_id"] as? String)
        let json = try await call(app, .GET, "/open311/v2/requests/\(postedID).json").1
        readBack.append(
          try #require((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])?.first))
        #expect(try await call(app, .GET, "/open311/v2/requests/\(postedID).xml").1.contains("<address_id>"))
      }
      #expect(readBack[0]["address_id"] as? String == "DZ-500103-0088-3-2-501" && readBack[0]["address"] == nil)
      #expect(readBack[1]["address_id"] as? String == "7788990011")
      #expect(readBack[1]["address"] as? String == "示范市中心区光明路88号3栋2单元501室")
      // A moderator's change to the address hides the address id (it stands for the address as written);
      // hiding the address hides the coordinates too.
      let second = try #require(readBack[1]["service_request_id"] as? String)
      let secondSerial = try #require(Serial(second))
      let moderated = try #require(try await store.message(serial: secondSerial))
      let admin = try await token(app, "admin")
      let moderation = "api/v1/messages/\(moderated.id)/moderation"
      let (changedStatus, changedAnswer, _) = try await call(
        app, .POST, moderation, token: admin, json: ["decision": "publish", "public_address": "示范市中心区光明路88号"])
      #expect(changedStatus == .ok, "\(changedAnswer)")
      #expect(try await store.message(moderated.id)?.publicAddress == "示范市中心区光明路88号", "stored")
      let changed = try #require(
        (try JSONSerialization.jsonObject(
          with: Data(try await call(app, .GET, "/open311/v2/requests/\(second).json").1.utf8))
          as? [[String: Any]])?.first)
      #expect(changed["address"] as? String == "示范市中心区光明路88号" && changed["address_id"] == nil, "\(changed)")
      #expect(changed["lat"] as? Double == 29.56301234)
      let (hiddenStatus, _, _) = try await call(
        app, .POST, moderation, token: admin, json: ["decision": "publish", "public_address": ""])
      #expect(hiddenStatus == .ok)
      let hidden = try #require(
        (try JSONSerialization.jsonObject(
          with: Data(try await call(app, .GET, "/open311/v2/requests/\(second).json").1.utf8))
          as? [[String: Any]])?.first)
      #expect(hidden["address"] == nil && hidden["address_id"] == nil && hidden["lat"] == nil)
      let longID = try await post(
        app, "/open311/v2/requests.json",
        without("address_string") + [("address_id", String(repeating: "9", count: 101))])
      #expect(longID.0 == .badRequest && longID.1.contains("location.address_id"), "\(longID.1)")

      // A revoked key posts no more.
      try await store.revokeOpen311Key(key.id, by: "admin", at: now)
      #expect(try await post(app, "/open311/v2/requests.json", good).0 == .forbidden)
    }
  }

  /// With moderation on, a posted request waits for a moderator as every message does: the answer says
  /// so, and the request is not public until then.
  @Test(arguments: TestDatabase.available)
  func underModeration_aPostedRequestWaits(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store) = (site.app, site.store)
      let secret = try await store.issueOpen311Key(name: "partner", by: "admin", at: site.clock.now).secret
      let (status, body) = try await post(
        app, "/open311/v2/requests.json",
        [
          ("api_key", secret), ("service_code", "CXJS"), ("address_string", "光明路88号"), ("last_name", "Smith"),
          ("phone", "13800138000"), ("description", "Pothole on Guangming Road"),
        ])
      #expect(status == .created && body.contains("moderator"))
      let answer = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])
      let id = try #require(answer.first?["service_request_id"] as? String)
      #expect(try await call(app, .GET, "/open311/v2/requests/\(id).json").0 == .notFound)
    }
  }

  /// A partner's key has its own limit (600 an hour by default): past it, 429 with an Open311 error
  /// body; another key is not held back by it.
  @Test(arguments: TestDatabase.available)
  func aKeysRequests_areLimited(db: TestDatabase) async throws {
    let policy = IntakePolicy(moderation: false, perAPIKey: RateLimit(count: 2, window: 3_600))
    try await withSite(db, policy: policy) { site in
      let (app, store, now) = (site.app, site.store, site.clock.now)
      let busy = try await store.issueOpen311Key(name: "busy", by: "admin", at: now).secret
      let other = try await store.issueOpen311Key(name: "other", by: "admin", at: now).secret
      func request(_ key: String) -> [(String, String)] {
        [
          ("api_key", key), ("service_code", "CXJS"), ("address_string", "光明路88号"), ("last_name", "Li"),
          ("phone", "13800138000"), ("description", "路灯不亮"),
        ]
      }
      for _ in 0..<2 { #expect(try await post(app, "/open311/v2/requests.json", request(busy)).0 == .created) }
      let (status, body) = try await post(app, "/open311/v2/requests.xml", request(busy))
      #expect(status == .tooManyRequests && body.contains("<errors><error><code>429</code>") && body.contains("接口密钥"))
      #expect(try await post(app, "/open311/v2/requests.json", request(other)).0 == .created)
    }
  }

  /// A key trusted to prove numbers may say a request's number is proved (the message then belongs in
  /// the author's 我的留言); any other key saying so is refused, and without the claim nothing is proved.
  @Test(arguments: TestDatabase.available)
  func onlyATrustedKey_mayAssertAProvedNumber(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, now) = (site.app, site.store, site.clock.now)
      let trusted = try await store.issueOpen311Key(name: "小程序", verifiesPhones: true, by: "admin", at: now)
      let plain = try await store.issueOpen311Key(name: "县 app", by: "admin", at: now)
      #expect(try await store.open311Keys().map(\.verifiesPhones).sorted { !$0 && $1 } == [false, true])
      #expect(try await store.recentReferenceChanges().contains { $0.change.after["verifies_phones"] == "true" })
      let base: [(String, String)] = [
        ("service_code", "CXJS-SGZY"), ("address_string", "滨江路 18 号"), ("last_name", "周"),
        ("phone", "13800138000"), ("description", "工地夜间施工"),
      ]
      func serial(_ body: String) throws -> Serial {
        let id = try #require(
          (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])?.first?["service_request_id"]
            as? String)
        return try #require(Serial(id))
      }
      let refused = try await post(
        app, "/open311/v2/requests.json", base + [("api_key", plain.secret), ("phone_verified", "true")])
      #expect(refused.0 == .forbidden && refused.1.contains("phone_verified"))
      let notMobile = try await post(
        app, "/open311/v2/requests.json",
        base.filter { $0.0 != "phone" } + [
          ("phone", "023-66668888"), ("api_key", trusted.secret), ("phone_verified", "true"),
        ])
      #expect(notMobile.0 == .badRequest)
      let proved = try await post(
        app, "/open311/v2/requests.json", base + [("api_key", trusted.secret), ("phone_verified", "true")])
      #expect(proved.0 == .created)
      #expect(try await store.message(serial: try serial(proved.1))?.phoneVerified == true)
      let unclaimed = try await post(app, "/open311/v2/requests.json", base + [("api_key", trusted.secret)])
      #expect(try await store.message(serial: try serial(unclaimed.1))?.phoneVerified == false)
      let fromPlain = try await post(app, "/open311/v2/requests.json", base + [("api_key", plain.secret)])
      #expect(try await store.message(serial: try serial(fromPlain.1))?.phoneVerified == false)
    }
  }
}
