import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@testable import MinshengServer

/// 地区页面: a region's KPIs (as `/stats` by region counts them), its boards and units, and its
/// messages; the same section on a unit's and a board's page.
@Suite struct RegionPagesTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func regionPage_showsItsFigures_boards_units_andMessages(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world, now) = (site.app, site.store, site.world, site.clock.now)
      // Two messages from 中心区 to 市市场监管局: one replied, one not yet; one from 东山县.
      var ids: [UUID] = []
      for title in ["中心区路灯不亮", "中心区井盖松动"] {
        let id = try await store.submit(
          Fixtures.newMessage(title: title, leader: world.secretary.id, region: world.district.id), at: now
        ).message.id
        try await store.perform(.assign(lead: world.market.id), on: id, by: world.dispatcher, at: now)
        try await store.perform(.accept(), on: id, by: world.marketHandler, at: now)
        ids.append(id)
      }
      try await store.perform(.reply(body: "已修复。"), on: ids[0], by: world.marketHandler, at: now)
      _ = try await store.submit(
        Fixtures.newMessage(title: "东山县公交停运", leader: world.secretary.id, region: world.county.id), at: now)

      let district = world.district.id.uuidString.lowercased()
      let (status, page, _) = try await call(app, .GET, "/regions/\(district)")
      #expect(status == .ok)
      #expect(page.contains("<h1>中心区</h1>"))
      #expect(page.contains("办理考核指标"))
      // This year's reply rate counts the district's two messages, one replied: the API's figure.
      let (_, body, _) = try await call(app, .GET, "/api/v1/stats?by=region&period=2026")
      let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
      let groups = try #require(json["groups"] as? [[String: Any]])
      let figures = try #require(
        groups.first { $0["key"] as? String == district }?["figures"] as? [String: [String: Any]])
      #expect(figures["reply_rate"]?["denominator"] as? Int == 2)
      #expect(figures["reply_rate"]?["numerator"] as? Int == 1)
      #expect(page.contains("计入 2 件"))
      #expect(page.contains("50"))
      // Its messages, not the county's; a link to the whole list from there.
      #expect(page.contains("中心区路灯不亮"))
      #expect(!page.contains("东山县公交停运"))
      #expect(page.contains("/messages?region=\(district)"))
      // The city's page lists its board and its units.
      let (_, city, _) = try await call(app, .GET, "/regions/\(world.city.id.uuidString.lowercased())")
      #expect(city.contains("/leaders/\(world.secretary.id.uuidString.lowercased())"))
      #expect(city.contains("市市场监管局"))
      // /stats by region links each region to its page.
      let (_, stats, _) = try await call(app, .GET, "/stats?by=region&period=2026")
      #expect(stats.contains("href=\"/regions/\(district)\""))
      // A unit's and a board's page carry the same section.
      let (_, unit, _) = try await call(app, .GET, "/units/\(world.market.id.uuidString.lowercased())")
      #expect(unit.contains("办理考核指标"))
      #expect(unit.contains("计入 2 件"))
      let (_, board, _) = try await call(app, .GET, "/leaders/\(world.secretary.id.uuidString.lowercased())")
      #expect(board.contains("办理考核指标"))
      // Unknown regions and malformed identifiers are not found, never an error.
      #expect(try await call(app, .GET, "/regions/\(UUID().uuidString.lowercased())").0 == .notFound)
      #expect(try await call(app, .GET, "/regions/not-a-region").0 == .notFound)
    }
  }
}
