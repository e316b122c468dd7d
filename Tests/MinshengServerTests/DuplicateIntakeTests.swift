import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 并单候选 at intake: near-duplicates found across instances, shown to the dispatcher, merged or dismissed.
@Suite struct DuplicateIntakeTests: SiteTesting {
  static let noise = "滨江路18号工地每天夜里十一点以后还在施工，打桩声音很大，附近居民无法入睡，请有关部门尽快处理。"

  func submit(_ site: TestSite, title: String, body: String, phone: String) async throws -> UUID {
    let (status, text, _) = try await call(
      site.app, .POST, "api/v1/messages",
      json: [
        "type": "complaint", "title": title, "body": body, "leader_id": site.world.secretary.id.uuidString,
        "contact": ["name": "顾女士", "phone": phone] as [String: any Sendable],
      ])
    #expect(status == .created, "\(text)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let id = try #require(object["id"] as? String)
    return try #require(UUID(uuidString: id))
  }

  @Test(arguments: TestDatabase.available)
  func nearDuplicates_areFoundOnce_shownToTheDispatcher_andMergedOrDismissed(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store) = (site.app, site.store)
      let first = try await submit(site, title: "滨江路工地夜间施工扰民", body: Self.noise, phone: "13800138000")
      let second = try await submit(
        site, title: "滨江路工地夜间施工扰民", body: Self.noise.replacingOccurrences(of: "十一点", with: "十二点"),
        phone: "13900139000")
      let third = try await submit(
        site, title: "滨江路工地晚上施工太吵", body: Self.noise.replacingOccurrences(of: "打桩", with: "电钻"), phone: "13700137000")
      let other = try await submit(site, title: "学校门口缺少红绿灯", body: "孩子上学要横穿马路，很危险，建议在校门口设置信号灯。", phone: "13600136000")
      // Two instances index at once: each message once.
      let twin = Store(database: store.database, rules: store.rules)
      async let a = store.indexPendingDuplicates()
      async let b = twin.indexPendingDuplicates()
      #expect(try await a + b == 4)
      #expect(try await store.indexPendingDuplicates() == 0)

      let candidates = try await store.duplicateCandidates(of: second)
      #expect(candidates.map(\.message.id) == [first])
      #expect((candidates.first?.similarity ?? 0) >= Fingerprint.threshold)
      #expect(Set(try await store.duplicateCandidates(of: third).map(\.message.id)) == [first, second])
      #expect(try await store.duplicateCandidates(of: other).isEmpty)
      #expect(try await store.duplicateCandidates(of: first).isEmpty)

      let dispatcher = try await token(app, "xfb.dispatcher")
      let detail = try await call(app, .GET, "api/v1/staff/messages/\(second)", token: dispatcher).1
      #expect(detail.contains(first.uuidString))
      #expect(detail.contains(#""state":"open""#))

      // In the workbench: the pool says so; the case page offers merge and dismiss.
      let browser = try await StaffPagesTests().logIn(app, "xfb.dispatcher")
      #expect(try await get(app, "/staff/pool", cookies: browser.cookies).1.contains("可能重复 1 件"))
      let page = try await get(app, "/staff/messages/\(second)", cookies: browser.cookies).1
      #expect(page.contains("可能重复的留言"))
      #expect(page.contains("并入此件"))
      let firstSerial = try #require(try await store.message(first)).serial.description
      let merged = try await post(
        app, "/staff/messages/\(second.uuidString.lowercased())/actions/merge",
        [("into_serial", firstSerial), ("note", "同一工地"), ("_csrf", browser.csrf)], cookies: browser.cookies)
      #expect(merged.0 == .seeOther)
      #expect(try await store.message(second)?.mergedIntoID == first)
      #expect(try await store.duplicateCandidates(of: second).first?.state == .merged)
      #expect(try await get(app, "/messages/\(first)").1.contains("另有 1 位网友反映了同一问题"))

      // Dismissed over the API by the office; a handler may not.
      let handler = try await token(app, "scjg.handler")
      #expect(
        try await call(app, .POST, "api/v1/messages/\(third)/duplicates/\(first)/dismiss", token: handler).0
          == .forbidden)
      let (dismissed, answer, _) = try await call(
        app, .POST, "api/v1/messages/\(third)/duplicates/\(first)/dismiss", token: dispatcher)
      #expect(dismissed == .ok, "\(answer)")
      #expect(try await store.duplicateCandidates(of: third).first { $0.message.id == first }?.state == .dismissed)
      #expect(
        try await call(app, .POST, "api/v1/messages/\(third)/duplicates/\(other)/dismiss", token: dispatcher).0
          == .notFound)
    }
  }
}
