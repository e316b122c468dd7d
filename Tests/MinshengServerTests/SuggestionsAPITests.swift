import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 人民建议征集 in the JSON API: a suggestion written with `POST /api/v1/messages`, listed and read in
/// public (masked), supported with a proved number, evaluated and adopted by the unit's staff, and a
/// campaign opened by an administrator.
@Suite struct SuggestionsAPITests: SiteTesting {
  static func json(_ body: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
  }

  @Test(arguments: TestDatabase.available)
  func theProgramme_throughTheAPI(db: TestDatabase) async throws {
    try await withSite(db, policy: IntakePolicy(moderation: false)) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      var message: [String: any Sendable] = [
        "type": "complaint", "title": "建议在学校门口设置护学岗", "body": "上下学时段车辆拥堵，孩子过马路不安全。",
        "contact": ["name": "陈先生", "phone": "13800138000"],
        "proposal": ["proposal": "早晚高峰设护学岗，联系 13912345678。", "benefit": "保障学生安全。"],
      ]
      let wrongType = try await call(app, .POST, "/api/v1/messages", json: message)
      #expect(wrongType.0 == .unprocessableEntity && wrongType.1.contains("type"))
      message["type"] = "suggestion"
      let (created, createdBody, _) = try await call(app, .POST, "/api/v1/messages", json: message)
      #expect(created == .created, "\(createdBody)")
      let id = try #require(Self.json(createdBody)["id"] as? String)

      let (listed, list, _) = try await call(app, .GET, "/api/v1/suggestions?stage=collecting")
      #expect(listed == .ok && list.contains(id) && list.contains("139****5678") && !list.contains("13912345678"))
      #expect(!list.contains("13800138000"))
      let nonsense = try await call(app, .GET, "/api/v1/suggestions?stage=nonsense")
      #expect(nonsense.0 == .unprocessableEntity, "\(nonsense)")
      let (_, one, _) = try await call(app, .GET, "/api/v1/suggestions/\(id)")
      let body = try Self.json(one)
      #expect(body["campaign_id"] as? String == Campaign.generalID.uuidString && body["supports"] as? Int == 0)
      #expect(try await call(app, .GET, "/api/v1/suggestions/\(UUID())").0 == .notFound)

      // 附议 with a proved number, once.
      let supports = "/api/v1/suggestions/\(id)/supports"
      #expect(
        try await call(app, .POST, supports, json: ["phone": "13700000001", "phone_code": "000000"]).0
          == .unprocessableEntity)
      #expect(try await call(app, .POST, "/api/v1/phone-codes", json: ["phone": "13700000001"]).0 == .accepted)
      let text = try #require(try await store.outbox(limit: 10).last { $0.channel == "sms" }?.body)
      let code = String(try #require(text.firstMatch(of: /[0-9]{6}/)).output)
      let (supported, supportedBody, _) = try await call(
        app, .POST, supports, json: ["phone": "13700000001", "phone_code": code])
      let supportedCount = try Self.json(supportedBody)["supports"] as? Int
      #expect(supported == .created && supportedCount == 1, "\(supportedBody)")
      site.clock.advance(61)
      #expect(try await call(app, .POST, "/api/v1/phone-codes", json: ["phone": "13700000001"]).0 == .accepted)
      let second = try #require(try await store.outbox(recipient: "13700000001").first?.body)
      let again = String(try #require(second.firstMatch(of: /[0-9]{6}/)).output)
      let twice = try await call(app, .POST, supports, json: ["phone": "13700000001", "phone_code": again])
      #expect(twice.0 == .conflict, "\(twice.1)")

      // The unit's staff evaluate and record the adoption; another unit cannot.
      let uuid = try #require(UUID(uuidString: id))
      try await store.perform(.assign(lead: world.housing.id), on: uuid, by: world.dispatcher, at: site.clock.now)
      let handler = try await token(app, "zjw.handler")
      let market = try await token(app, "scjg.handler")
      let evaluation = "/api/v1/suggestions/\(id)/evaluation"
      #expect(
        try await call(app, .POST, evaluation, token: handler, json: ["outcome": "adopted", "reason": "可行"]).0
          == .forbidden)
      try await store.perform(.accept(), on: uuid, by: world.housingHandler, at: site.clock.now)
      #expect(
        try await call(app, .POST, evaluation, token: market, json: ["outcome": "adopted", "reason": "可行"]).0
          == .forbidden)
      #expect(
        try await call(app, .POST, evaluation, token: handler, json: ["outcome": "maybe", "reason": "可行"]).0
          == .unprocessableEntity)
      let (evaluated, evaluatedBody, _) = try await call(
        app, .POST, evaluation, token: handler, json: ["outcome": "partly_adopted", "reason": "早高峰先行试点。"])
      #expect(evaluated == .ok && evaluatedBody.contains("partly_adopted"), "\(evaluatedBody)")
      let adoptions = "/api/v1/suggestions/\(id)/adoptions"
      #expect(
        try await call(app, .POST, adoptions, token: handler, json: ["measure": "试点", "progress": 101]).0
          == .unprocessableEntity)
      let (recorded, _, _) = try await call(
        app, .POST, adoptions, token: handler,
        json: ["measure": "在三所小学门口试点护学岗", "document_date": "2026-03-04", "progress": 30])
      #expect(recorded == .created)
      let read = try Self.json(try await call(app, .GET, "/api/v1/suggestions/\(id)").1)
      #expect(read["stage"] as? String == "adopted" && (read["adoptions"] as? [Any])?.count == 1)

      // Campaigns: administrators open them.
      let admin = try await token(app, "admin")
      let campaign: [String: any Sendable] = [
        "title": "交通治理金点子", "description": "围绕学校周边交通征集建议。", "opens_on": "2026-03-01",
        "support_threshold": 50, "unit_ids": [world.housing.id.uuidString],
      ]
      let notAdmin = try await call(app, .POST, "/api/v1/suggestions/campaigns", token: handler, json: campaign)
      #expect(notAdmin.0 == .forbidden, "\(notAdmin)")
      #expect(try await call(app, .POST, "/api/v1/suggestions/campaigns", json: campaign).0 == .unauthorized)
      let (opened, openedBody, _) = try await call(
        app, .POST, "/api/v1/suggestions/campaigns", token: admin, json: campaign)
      #expect(opened == .created && openedBody.contains("交通治理金点子"), "\(openedBody)")
      var bad = campaign
      bad["opens_on"] = "soon"
      #expect(
        try await call(app, .POST, "/api/v1/suggestions/campaigns", token: admin, json: bad).0 == .unprocessableEntity)
      let all = try await call(app, .GET, "/api/v1/suggestions/campaigns").1
      #expect(all.contains("常年征集") && all.contains("交通治理金点子"))
    }
  }
}
