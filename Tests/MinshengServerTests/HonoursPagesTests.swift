import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@testable import MinshengServer

/// 年度表彰: the provisional lists, an administrator's 定榜 (audited, once, after the year), the frozen
/// lists unchanged by later edits to cases, and each honoured unit's page citing them.
@Suite struct HonoursPagesTests: SiteTesting {
  /// One list by the reply rate alone, every unit with a case counted, no adjustment: small enough for
  /// a handful of cases.
  static let formula = HonoursFormula(lists: [
    HonourDefinition(
      id: "minxin", name: ["zh-Hans": "民心汇聚单位", "en": "Trusted units"],
      method: ["zh-Hans": "按回复率排名。"], weights: ["reply_rate": 1], minimumVolume: 1, priorWeight: 0, count: 5)
  ])

  @Test(arguments: TestDatabase.available)
  func provisionalThenFrozen_andTheUnitPageCitesIt(db: TestDatabase) async throws {
    try await withSite(db, policy: .open, honours: Self.formula) { site in
      let (app, store, world, now) = (site.app, site.store, site.world, site.clock.now)
      // March 2026: 市场监管局 replied its one case; 住建委 one of two.
      let replied = try await housingCase(site, "小区电梯停运一周")
      try await store.perform(.reply(body: "已督促物业修复。"), on: replied, by: world.housingHandler, at: now)
      try await store.perform(.approveReply(), on: replied, by: world.housingReviewer, at: now)
      let open = try await housingCase(site, "楼道堆放杂物")
      let market = try await store.submit(Fixtures.newMessage(title: "超市价签不符", leader: world.secretary.id), at: now)
        .message.id
      try await store.perform(.assign(lead: world.market.id), on: market, by: world.dispatcher, at: now)
      try await store.perform(.accept(), on: market, by: world.marketHandler, at: now)
      try await store.perform(.reply(body: "已责令整改。"), on: market, by: world.marketHandler, at: now)

      func rows(_ html: String) -> [String] {
        guard let start = html.range(of: "id=\"honours-table-minxin\"") else { return [] }
        let table = html[start.upperBound...]
        let body = table[..<(table.range(of: "</table>")?.lowerBound ?? table.endIndex)]
        return body.components(separatedBy: "<tr><td>").dropFirst().map {
          String($0.prefix { $0 != "\n" })
        }
      }
      // The author thanks 市场监管局: the list shows the letter beside the score.
      try await store.thank(try #require(try await store.message(market)), author: "王先生", body: "谢谢！", at: now)
      let provisional = try await get(app, "/honours/2026")
      #expect(provisional.0 == .ok)
      #expect(provisional.1.contains("暂定名单"))
      var listed = rows(provisional.1)
      #expect(listed.count == 2)
      #expect(listed.first?.hasPrefix("1</td>") == true && listed.first?.contains("市市场监管局") == true)
      #expect(listed.first?.contains("<td>100.0</td><td>100%</td><td>1</td><td>1</td>") == true)
      #expect(listed.last?.hasPrefix("2</td>") == true && listed.last?.contains("市住建委") == true)
      #expect(listed.last?.contains("<td>50.0</td><td>50%</td><td>2</td>") == true)
      // /honours shows this year's provisional lists while no year is published; the footer links it.
      #expect(try await get(app, "/honours").1.contains("暂定名单"))
      #expect(try await get(app, "/").1.contains("href=\"/honours\""))

      // 定榜: not before the year is over, not by a supervisor, and not without the form's token.
      var admin = try await logIn(app, "admin")
      let early = try await post(
        app, "/staff/honours", [("year", "2026"), ("_csrf", admin.csrf)], cookies: admin.cookies)
      #expect(early.0 == .forbidden && early.1.contains("2026 年度尚未结束"))
      site.clock.advance(310 * 86_400)  // from 4 March 2026 to 8 January 2027
      admin = try await logIn(app, "admin")
      let supervisor = try await logIn(app, "dc.supervisor")
      #expect(
        try await post(
          app, "/staff/honours", [("year", "2026"), ("_csrf", supervisor.csrf)], cookies: supervisor.cookies
        ).0 == .forbidden)
      #expect(try await post(app, "/staff/honours", [("year", "2026")], cookies: admin.cookies).0 != .seeOther)
      for year in ["", "26", "abcd", "99999"] {
        let refused = try await post(
          app, "/staff/honours", [("year", year), ("_csrf", admin.csrf)], cookies: admin.cookies)
        #expect(refused.0 == .badRequest, "\(year)")
      }
      // The administrator's dashboard offers it for last year.
      let dashboard = try await get(app, "/staff/dashboard", cookies: admin.cookies)
      #expect(dashboard.1.contains("id=\"honours-freeze\"") && dashboard.1.contains("name=\"year\" value=\"2026\""))
      let frozen = try await post(
        app, "/staff/honours", [("year", "2026"), ("_csrf", admin.csrf)], cookies: admin.cookies)
      #expect(frozen.0 == .seeOther)
      #expect(frozen.2.first(name: .location) == "/honours/2026")
      // Recorded in the administrators' log, by whom, with the names in order.
      let change = try #require(
        try await store.recentReferenceChanges().first { $0.change.entity == "honours" })
      #expect(change.action == "freeze" && change.actorID == "admin")
      #expect(
        change.change.after["minxin"]
          == "1:\(world.market.id.uuidString.lowercased()),2:\(world.housing.id.uuidString.lowercased())")
      // Once only.
      #expect(
        try await post(
          app, "/staff/honours", [("year", "2026"), ("_csrf", admin.csrf)], cookies: admin.cookies
        ).0 == .conflict)

      // A later reply (in January 2027, counted in 2026 by receipt) would raise 住建委 to 100 %: the
      // published list does not move.
      let later = site.clock.now
      try await store.perform(.reply(body: "已清理。"), on: open, by: world.housingHandler, at: later)
      try await store.perform(.approveReply(), on: open, by: world.housingReviewer, at: later)
      let published = try await get(app, "/honours/2026")
      #expect(published.1.contains("定榜发布") && !published.1.contains("暂定名单"))
      listed = rows(published.1)
      #expect(listed.last?.contains("市住建委") == true && listed.last?.contains("<td>50.0</td>") == true)
      #expect(try await get(app, "/honours").1.contains("定榜发布"))
      let dashboardAfter = try await get(app, "/staff/dashboard", cookies: admin.cookies)
      #expect(dashboardAfter.1.contains("由 admin 定榜发布"))

      // The unit's page cites its place; another unit's does not cite it.
      let marketPage = try await get(app, "/units/\(world.market.id.uuidString.lowercased())")
      #expect(marketPage.1.contains("2026 年度民心汇聚单位（第 1 名）"))
      #expect(marketPage.1.contains("href=\"/honours/2026\""))
      let housingPage = try await get(app, "/units/\(world.housing.id.uuidString.lowercased())")
      #expect(housingPage.1.contains("2026 年度民心汇聚单位（第 2 名）"))
    }
  }

  @Test(arguments: TestDatabase.available)
  func unknownYears_areNotFound_neverA500(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      for path in ["/honours/1999", "/honours/2027", "/honours/abcd", "/honours/20266", "/honours/%00"] {
        let (status, body) = try await get(site.app, path)
        #expect(status == .notFound, "\(path)")
        #expect(!body.contains("internal"), "\(path)")
      }
      // The shipped formula: four lists, each with its method, none named yet.
      let (status, html) = try await get(site.app, "/honours/2026")
      #expect(status == .ok)
      #expect(html.contains("民心汇聚单位") && html.contains("实干担当单位") && html.contains("贝叶斯"))
      #expect(html.contains("汇智为民单位") && html.contains("采纳率"))
      #expect(html.components(separatedBy: "暂无单位达到参评件数").count == 5)
    }
  }
}
