import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 来电来信登记 (#22): before entering a call, the operator looks up the caller's earlier messages by
/// number (those the operator's office may read, however the number was typed) and searches the
/// knowledge base to answer on the spot; the number carries over into the form.
@Suite struct IntakeLookupTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func theOperator_seesTheCallersEarlierMessages_andFindsAnswers(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      var minutes = 0.0
      func message(_ title: String, phone: String, region: UUID? = nil, leader: UUID? = nil) async throws -> Message {
        var input = Fixtures.newMessage(title: title, leader: leader, region: region)
        input.contact.phone = phone
        input.phoneVerified = false
        minutes += 1
        return try await store.submit(input, at: site.clock.now.addingTimeInterval(minutes * 60 - 3_600)).message
      }
      let first = try await message("小区电梯停运<三天>", phone: "139 0000 1111", leader: world.secretary.id)
      _ = try await message("电梯维修后仍有异响", phone: "+86 139-0000-1111", leader: world.secretary.id)
      _ = try await message("县里的道路坑洼", phone: "13900001111", region: world.county.id)
      _ = try await message("别人的留言", phone: "13700002222", leader: world.secretary.id)
      _ = try await store.saveKnowledge(
        kind: .answer, title: "电梯维保责任", body: "住宅电梯由物业服务企业委托维保单位维护。", category: nil, by: "admin",
        at: site.clock.now)

      let operatorBrowser = try await logIn(app, "xfb.dispatcher")
      let (status, page) = try await get(
        app, "/staff/intake?caller=13900001111&kb=%E7%94%B5%E6%A2%AF", cookies: operatorBrowser.cookies)
      #expect(status == .ok)
      // The two on the office's board, newest first, escaped and linked; not the county's, not another number's.
      #expect(page.contains(#"<ol class="items caller-history" aria-labelledby="h-history">"#))
      #expect(page.contains("电梯维修后仍有异响"))
      #expect(page.contains("小区电梯停运&lt;三天&gt;"))
      #expect(!page.contains("小区电梯停运<三天>"))
      #expect(page.contains("/staff/messages/\(first.id.uuidString.lowercased())"))
      #expect(!page.contains("县里的道路坑洼"))
      #expect(!page.contains("别人的留言"))
      let newer = try #require(page.range(of: "电梯维修后仍有异响"))
      let older = try #require(page.range(of: "小区电梯停运"))
      #expect(newer.lowerBound < older.lowerBound)
      // The knowledge base's answer, and the number carried into the form.
      #expect(page.contains("电梯维保责任"))
      #expect(page.contains("住宅电梯由物业服务企业委托维保单位维护。"))
      #expect(page.contains(#"id="phone" name="phone" required type="tel" maxlength="20" value="13900001111""#))

      // The county's office sees its own one only.
      let county = try await logIn(app, "xq.dispatcher")
      let countyPage = try await get(app, "/staff/intake?caller=13900001111", cookies: county.cookies).1
      #expect(countyPage.contains("县里的道路坑洼"))
      #expect(!countyPage.contains("电梯维修后仍有异响"))
      // A number with nothing: said so; not a number at all: the same, no error.
      #expect(
        try await get(app, "/staff/intake?caller=13600000000", cookies: operatorBrowser.cookies).1.contains(
          "该号码没有您可查看的历史留言。"))
      let junk = try await get(app, "/staff/intake?caller=%27%3Cx%3E", cookies: operatorBrowser.cookies)
      #expect(junk.0 == .ok)
      #expect(junk.1.contains("该号码没有您可查看的历史留言。"))
    }
  }
}
