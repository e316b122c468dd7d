import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import MinshengText
import Testing
import VaporTesting

@testable import MinshengServer

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

  /// A backlog (a bulk load, an instance that was down) is filed in transactions of 50: a message
  /// finds its near-duplicates among the earlier messages of its own batch and of earlier batches.
  @Test(arguments: TestDatabase.available)
  func aBacklog_isIndexedInBatches_andDuplicatesAcrossBatchesAreFound(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      // Unrelated texts: 30 characters drawn from a few hundred common ones.
      let alphabet = Array(
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研"
      )
      var generator = SeededGenerator(state: 7)
      func unrelated() -> String {
        String((0..<30).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
      }
      let original = (title: "滨江路工地夜间施工扰民", body: Self.noise)
      var ids: [UUID] = []
      for i in 0..<120 {
        let (title, body) =
          switch i {
          case 0: original
          case 30: (original.title, Self.noise.replacingOccurrences(of: "十一点", with: "十二点"))
          case 75: (original.title, Self.noise.replacingOccurrences(of: "打桩", with: "电钻"))
          default: (unrelated(), unrelated() + unrelated())
          }
        var input = Fixtures.newMessage(title: title, leader: world.secretary.id)
        input.body = body
        let signature = MinHashSignature(title: title, body: body)
        let fingerprint = Fingerprint(values: signature.values, bandKeys: signature.bandKeys)
        ids.append(
          try await store.submit(input, at: Fixtures.now.addingTimeInterval(Double(i)), fingerprint: fingerprint)
            .message.id)
      }
      #expect(try await store.indexPendingDuplicates(limit: 200) == 120)
      #expect(try await store.indexPendingDuplicates() == 0)
      // Message 30 is in the first batch with 0; 75 is in the second, after both.
      #expect(try await store.duplicateCandidates(of: ids[30]).map(\.message.id) == [ids[0]])
      #expect(Set(try await store.duplicateCandidates(of: ids[75]).map(\.message.id)) == [ids[0], ids[30]])
      for i in [0, 1, 29, 31, 50, 74, 76, 119] {
        #expect(try await store.duplicateCandidates(of: ids[i]).isEmpty, "message \(i)")
      }
    }
  }

  /// One text written many times: a new copy looks at each band's latest 100 messages only, so it
  /// is matched with recent copies and its cost does not grow with the number of old ones.
  @Test(arguments: TestDatabase.available)
  func aTextWrittenManyTimes_isMatchedWithItsLatestCopies(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let signature = MinHashSignature(title: "滨江路工地夜间施工扰民", body: Self.noise)
      let fingerprint = Fingerprint(values: signature.values, bandKeys: signature.bandKeys)
      var ids: [UUID] = []
      for i in 0..<(Store.bandDepth + 30) {
        var input = Fixtures.newMessage(title: "滨江路工地夜间施工扰民", leader: world.secretary.id)
        input.body = Self.noise
        ids.append(
          try await store.submit(input, at: Fixtures.now.addingTimeInterval(Double(i)), fingerprint: fingerprint)
            .message.id)
      }
      #expect(try await store.indexPendingDuplicates(limit: 500) == ids.count)
      let found = try await store.duplicateCandidates(of: ids[ids.count - 1]).map(\.message.id)
      #expect(found.count == 5)
      let latest = Set(ids.suffix(Store.bandDepth + 1).dropLast())
      #expect(found.allSatisfy { latest.contains($0) })
    }
  }
}
