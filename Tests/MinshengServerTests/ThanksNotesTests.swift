import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 感谢信 without a case of one's own (the 领导留言板's 感谢 type): a citizen logged in to 我的留言
/// thanks a unit from its page; under moderation the letter waits for the office that dispatches for
/// the unit's region; published, it is on the unit's page and on /thanks, and the honours count it.
@Suite struct ThanksNotesTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func aLetterToAUnit_isModeratedThenPublished(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let path = "/units/\(world.housing.id.uuidString.lowercased())/thanks"
      #expect(try await get(app, "/units/\(world.housing.id.uuidString.lowercased())").1.contains(path))
      #expect(try await get(app, path).1.contains("我的留言"))
      let form = try await formToken(app, "/write")
      let key = try await store.openCitizenSession(phone: "13800138000", at: site.clock.now)
      let cookies = form.cookie + "; minsheng_citizen=" + key
      #expect(try await get(app, path, cookies: cookies).1.contains("name=\"body\""))
      let empty = try await post(
        app, path, [("author", "顾女士"), ("body", " "), ("_csrf", form.token)], cookies: cookies)
      #expect(empty.0 == .unprocessableEntity && empty.1.contains("感谢信内容"))
      let (sent, page, _) = try await post(
        app, path,
        [("author", "顾秀英"), ("body", "住建委帮我们小区加装了电梯，联系电话 13912345678，谢谢！"), ("_csrf", form.token)],
        cookies: cookies)
      #expect(sent == .created && page.contains("审核后公开"))
      #expect(!(try await get(app, "/thanks").1.contains("加装了电梯")))

      // The county's dispatcher does not moderate a city unit's letter; the city's does.
      let county = try await logIn(app, "xq.dispatcher")
      #expect(!(try await get(app, "/staff/moderation", cookies: county.cookies).1.contains("加装了电梯")))
      let city = try await logIn(app, "xfb.dispatcher")
      let queue = try await get(app, "/staff/moderation", cookies: city.cookies).1
      #expect(queue.contains("加装了电梯") && queue.contains("待审核的感谢信"))
      let note = try #require(try await store.pendingThanksNotes(for: world.dispatcher).first)
      let decide = "/staff/moderation/thanks/\(note.id.uuidString.lowercased())"
      #expect(
        try await post(app, decide, [("decision", "publish"), ("_csrf", county.csrf)], cookies: county.cookies).0
          == .forbidden)
      #expect(
        try await post(app, decide, [("decision", "withhold"), ("_csrf", city.csrf)], cookies: city.cookies).0
          == .unprocessableEntity)
      #expect(
        try await post(app, decide, [("decision", "publish"), ("_csrf", city.csrf)], cookies: city.cookies).0 == .ok)

      let list = try await get(app, "/thanks").1
      #expect(list.contains("加装了电梯") && list.contains("139****5678") && !list.contains("13912345678"))
      #expect(!list.contains("顾秀英"))
      #expect(try await get(app, "/units/\(world.housing.id.uuidString.lowercased())").1.contains("加装了电梯"))
      let year = store.rules.calendar.day(of: site.clock.now).year
      let figures = try await store.honoursFigures(
        year: year, asOf: site.clock.now, definitions: try KPIDefinitions.bundled())
      #expect(figures.thanks[world.housing.id.uuidString.lowercased()] == 1)
      // The unit's figures (its page, the home page) count it as well.
      #expect(try await store.figures(year: year, by: .leadUnit)[world.housing.id]?.thanks == 1)

      // Three a day from one number.
      for index in 0..<2 {
        try await store.thankUnit(
          world.market.id, author: "顾女士", body: "谢谢 \(index)", phone: "13800138000", at: site.clock.now)
      }
      await #expect(throws: StoreError.self) {
        try await store.thankUnit(world.market.id, author: "顾女士", body: "再谢", phone: "13800138000", at: site.clock.now)
      }
    }
  }
}
