import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@testable import MinshengServer

/// 感谢信 (`/thanks`, linked from every page's footer): the latest letters, escaped, each with its unit
/// and its message; pages by `before`, refusing a value that is not a time.
@Suite struct ThanksPagesTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func theLatestLetters_areListedWithTheirUnitAndMessage(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world, now) = (site.app, site.store, site.world, site.clock.now)
      let id = try await store.submit(Fixtures.newMessage(title: "超市价签不符", leader: world.secretary.id), at: now)
        .message.id
      try await store.perform(.assign(lead: world.market.id), on: id, by: world.dispatcher, at: now)
      try await store.perform(.accept(), on: id, by: world.marketHandler, at: now)
      try await store.perform(.reply(body: "已责令整改。"), on: id, by: world.marketHandler, at: now)
      try await store.thank(
        try #require(try await store.message(id)), author: "顾晓红女士", body: "感谢市场监管局<b>及时</b>处理！", at: now)

      let (status, html) = try await get(app, "/thanks")
      #expect(status == .ok && html.contains("id=\"thanks-list\""))
      #expect(html.contains("感谢市场监管局&lt;b&gt;及时&lt;/b&gt;处理！") && html.contains("顾女士"))
      #expect(html.contains("href=\"/units/\(world.market.id.uuidString.lowercased())\""))
      #expect(html.contains("href=\"/messages/\(id.uuidString.lowercased())\""))
      #expect(try await get(app, "/").1.contains("href=\"/thanks\""))
      #expect(try await get(app, "/thanks?before=1").1.contains("还没有感谢信"))
      for bad in ["abc", "-5", "99999999999999999999"] {
        #expect(try await get(app, "/thanks?before=\(bad)").0 == .badRequest, "\(bad)")
      }
    }
  }
}
