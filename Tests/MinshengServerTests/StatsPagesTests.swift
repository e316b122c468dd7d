import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@testable import MinshengServer

/// 统计公开: the page, the API and the store give the same figures, and each figure's list of cases
/// has exactly that many cases.
@Suite struct StatsPagesTests: SiteTesting {
  /// Four cases in March 2026: 住建委 replied one after review and is handling another; 市场监管局
  /// replied one; one was merged into the first.
  func seed(_ site: Site) async throws -> (replied: UUID, merged: UUID) {
    let (store, world, now) = (site.store, site.world, site.clock.now)
    let replied = try await housingCase(site, "小区电梯停运一周")
    try await store.perform(.reply(body: "已督促物业修复。"), on: replied, by: world.housingHandler, at: now)
    try await store.perform(.approveReply(), on: replied, by: world.housingReviewer, at: now)
    _ = try await housingCase(site, "楼道堆放杂物")
    let market = try await store.submit(Fixtures.newMessage(title: "超市价签不符", leader: world.secretary.id), at: now)
      .message.id
    try await store.perform(.assign(lead: world.market.id), on: market, by: world.dispatcher, at: now)
    try await store.perform(.accept(), on: market, by: world.marketHandler, at: now)
    try await store.perform(.reply(body: "已责令整改。"), on: market, by: world.marketHandler, at: now)
    let merged = try await store.submit(Fixtures.newMessage(title: "电梯又停了", leader: world.secretary.id), at: now)
      .message.id
    try await store.perform(.merge(into: replied), on: merged, by: world.dispatcher, at: now)
    return (replied, merged)
  }

  @Test(arguments: TestDatabase.available)
  func pageAPIAndStore_giveTheSameFigures_andDrillDownsMatch(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      _ = try await seed(site)
      let (app, store, world) = (site.app, site.store, site.world)
      let definitions = try KPIDefinitions.bundled()
      let period = try #require(StatsPeriod("2026-03"))
      let table = try await store.statistics(
        period: period, by: .unit, asOf: site.clock.now, definitions: definitions)
      let housing = world.housing.id.uuidString.lowercased()
      // 住建委: two cases, one replied; the merged one counts nowhere but the repeat rate.
      #expect(table.groups[housing]?["reply_rate"]?.denominator == 2)
      #expect(table.groups[housing]?["reply_rate"]?.numerator == 1)
      #expect(table.platform["reply_rate"]?.denominator == 3)
      #expect(table.platform["reply_rate"]?.numerator == 2)
      #expect(table.platform["repeat_rate"]?.numerator == 1)
      #expect(table.platform["repeat_rate"]?.denominator == 4)
      // The month-by-month trend, read with the same facts: March is the month's figure; months after
      // today are not shown.
      let withTrend = try await store.statistics(
        period: period, by: .unit, asOf: site.clock.now, definitions: definitions, trendOf: definitions["reply_rate"])
      #expect(withTrend.trend.map(\.month.description) == ["2026-01", "2026-02", "2026-03"])
      #expect(withTrend.trend.last?.figure == table.platform["reply_rate"])
      #expect(withTrend.groups[housing] == table.groups[housing])
      // Every figure's drill-down has exactly as many cases as the figure counts.
      for kpi in definitions.kpis {
        for (group, figures) in table.groups {
          let counted = try await store.statisticsCases(
            kpi: kpi.id, group: group, dimension: .unit, period: period, asOf: site.clock.now, meeting: false,
            definitions: definitions)
          let meeting = try await store.statisticsCases(
            kpi: kpi.id, group: group, dimension: .unit, period: period, asOf: site.clock.now, meeting: true,
            definitions: definitions)
          #expect(counted?.count == figures[kpi.id]?.denominator, "\(kpi.id) \(group)")
          #expect(meeting?.count == figures[kpi.id]?.numerator, "\(kpi.id) \(group)")
        }
      }

      // The API: the same numbers, with the definitions and the groups' names.
      let (status, body, _) = try await call(app, .GET, "/api/v1/stats?period=2026-03&by=unit")
      #expect(status == .ok)
      let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
      #expect(json["period"] as? String == "2026-03")
      let groups = try #require(json["groups"] as? [[String: Any]])
      let housingGroup = try #require(groups.first { $0["key"] as? String == housing })
      #expect(housingGroup["name"] as? String == "市住建委")
      let figures = try #require(housingGroup["figures"] as? [String: [String: Any]])
      for kpi in definitions.kpis {
        #expect(figures[kpi.id]?["denominator"] as? Int == table.groups[housing]?[kpi.id]?.denominator)
        #expect(figures[kpi.id]?["numerator"] as? Int == table.groups[housing]?[kpi.id]?.numerator)
      }
      let platform = try #require(json["platform"] as? [String: [String: Any]])
      #expect(platform["reply_rate"]?["numerator"] as? Int == 2)
      #expect((json["kpis"] as? [[String: Any]])?.count == definitions.kpis.count)

      // The command line's CSV: a row per group and KPI with the same numbers.
      let csv = StatsCommand.csv(table, names: try await store.referenceNames(), language: .zhHans)
      let rows = csv.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
      #expect(rows.first?.joined(separator: ",") == "group,name,kpi,kpi_name,numerator,denominator,value,ranked")
      for kpi in definitions.kpis {
        let row = try #require(rows.first { $0[0] == Substring(housing) && $0[2] == Substring(kpi.id) })
        #expect(row[1] == "市住建委")
        #expect(Int(row[4]) == figures[kpi.id]?["numerator"] as? Int, "\(kpi.id)")
        #expect(Int(row[5]) == figures[kpi.id]?["denominator"] as? Int, "\(kpi.id)")
      }
      #expect(
        rows.contains { $0[0] == "all" && $0[2] == "reply_rate" && $0[4] == "2" && $0[5] == "3" && $0[6] == "0.6667" })

      // The workbook's lines (XLSX): the same numbers again (the file itself is read back by openpyxl in
      // StatsExportTests).
      let book = StatsWorkbook.make(table, report: nil, names: try await store.referenceNames(), language: .zhHans)
      let lines = try #require(book.sheets.first { $0.name == "明细" }).rows
      for kpi in definitions.kpis {
        let line = try #require(lines.first { $0.first == .text(housing) && $0[2] == .text(kpi.id) })
        #expect(line[4] == .number(Double(figures[kpi.id]?["numerator"] as? Int ?? -1)), "\(kpi.id)")
        #expect(line[5] == .number(Double(figures[kpi.id]?["denominator"] as? Int ?? -1)), "\(kpi.id)")
      }

      // The page: the ranking shows 住建委 at 50 % of 2 and 市场监管局 at 100 % of 1, both below the
      // minimum volume, so listed and not ranked; the chart and its table are there.
      let (pageStatus, html) = try await get(app, "/stats?period=2026-03&by=unit&kpi=reply_rate")
      #expect(pageStatus == .ok)
      #expect(html.contains("市住建委") && html.contains("市市场监管局"))
      #expect(html.contains("<td>50%</td><td>2</td>"))
      #expect(html.contains("<td>100%</td><td>1</td>"))
      #expect(html.contains("不排名"))
      #expect(html.contains("<svg") && html.contains("id=\"stats-trend-table\""))
      // The heat table: the four messages of March, no category given, all from 示范市 (the board's
      // region): one cell, the darkest.
      let heat = try #require(html.range(of: "id=\"stats-heat-table\""))
      let heatHTML = String(html[heat.upperBound...].prefix(2_000))
      #expect(heatHTML.contains("<th scope=\"col\">示范市</th>"))
      #expect(heatHTML.contains("<th scope=\"row\">未指定</th><td class=\"heat-4\">4</td>"))
      // The method beside the ranking: the Bayesian average only for the KPIs ranked by it.
      func method(_ html: String) -> Substring {
        guard let start = html.range(of: "id=\"stats-method\"") else { return "" }
        let rest = html[start.upperBound...]
        return rest[..<(rest.range(of: "</div>")?.lowerBound ?? rest.endIndex)]
      }
      #expect(method(html).contains("不足 10 件") && !method(html).contains("贝叶斯"))
      let satisfaction = try await get(app, "/stats?period=2026&by=unit&kpi=satisfaction").1
      #expect(method(satisfaction).contains("贝叶斯"))
      // The footer of every public page links to it.
      #expect(try await get(app, "/").1.contains("href=\"/stats\""))
    }
  }

  @Test(arguments: TestDatabase.available)
  func wrongQueries_areClearErrors_neverA500(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let app = site.app
      for query in ["period=2026-13", "period=26", "by=planet", "by=platform", "by=", "kpi=luck", "period=2026-W60"] {
        let (status, body, _) = try await call(app, .GET, "/api/v1/stats?" + query)
        #expect(status == .unprocessableEntity, "\(query)")
        #expect(!body.contains("internal"), "\(query)")
        let page = try await get(app, "/stats?" + query)
        #expect(page.0 == .badRequest, "\(query)")
      }
      // The API names its languages; the pages fall back to Chinese as every page does.
      #expect(try await call(app, .GET, "/api/v1/stats?lang=AAA").0 == .unprocessableEntity)
      #expect(try await call(app, .GET, "/api/v1/stats?lang=en").1.contains("\"Reply rate\""))
      #expect(try await get(app, "/stats?lang=AAA").0 == .ok)
      for query in ["", "period=2026-Q1", "period=2026-W10&by=type", "period=2026-03-04&by=channel&kpi=satisfaction"] {
        #expect(try await get(app, "/stats?" + query).0 == .ok, "\(query)")
        #expect(try await call(app, .GET, "/api/v1/stats?" + query).0 == .ok, "\(query)")
      }
    }
  }

  /// 统计看板: a unit sees its own figures beside its region's and the platform's, and the cases behind
  /// each count, exactly as many; another unit's cases are refused; supervisors see every unit.
  @Test(arguments: TestDatabase.available)
  func dashboard_drillsDownToTheCases_withinTheViewersScope(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      _ = try await seed(site)
      let (app, world) = (site.app, site.world)
      let housing = world.housing.id.uuidString.lowercased()
      let market = world.market.id.uuidString.lowercased()
      func cases(_ group: String, meeting: Bool, kpi: String = "reply_rate") -> String {
        "/staff/dashboard/cases?period=2026-03&by=unit&group=\(group)&kpi=\(kpi)&meeting=\(meeting ? 1 : 0)"
      }
      func titles(_ html: String) -> Int { html.components(separatedBy: "class=\"item-title\"").count - 1 }

      #expect(try await get(app, "/staff/dashboard").0 == .seeOther)
      let handler = try await logIn(app, "zjw.handler")
      let (status, page) = try await get(app, "/staff/dashboard?period=2026-03", cookies: handler.cookies)
      #expect(status == .ok)
      #expect(page.contains("id=\"dashboard-unit\"") && page.contains("市住建委"))
      // 本周到期: 楼道堆放杂物 was accepted on Wednesday with 15 working days to reply: not this week.
      #expect(page.contains("id=\"due-this-week\"") && page.contains("本周没有到期的留言"))
      #expect(page.contains("href=\"\(cases(housing, meeting: false).replacingOccurrences(of: "&", with: "&amp;"))\""))
      let counted = try await get(app, cases(housing, meeting: false), cookies: handler.cookies)
      #expect(counted.0 == .ok)
      #expect(titles(counted.1) == 2)
      #expect(counted.1.contains("小区电梯停运一周") && counted.1.contains("楼道堆放杂物"))
      let met = try await get(app, cases(housing, meeting: true), cookies: handler.cookies)
      #expect(titles(met.1) == 1 && met.1.contains("小区电梯停运一周"))
      // Another unit's cases, or a breakdown other than by unit, are refused to a unit.
      #expect(try await get(app, cases(market, meeting: false), cookies: handler.cookies).0 == .forbidden)
      #expect(
        try await get(
          app, "/staff/dashboard/cases?period=2026-03&by=type&group=complaint&kpi=reply_rate&meeting=0",
          cookies: handler.cookies
        ).0 == .forbidden)
      #expect(
        try await get(app, "/staff/dashboard/cases?period=2026-13&group=x", cookies: handler.cookies).0 == .badRequest)

      let supervisor = try await logIn(app, "dc.supervisor")
      let board = try await get(app, "/staff/dashboard?period=2026-03&kpi=reply_rate", cookies: supervisor.cookies)
      #expect(board.0 == .ok && board.1.contains("id=\"dashboard-units\""))
      #expect(board.1.contains("市住建委") && board.1.contains("市市场监管局"))
      let marketCases = try await get(app, cases(market, meeting: false), cookies: supervisor.cookies)
      #expect(titles(marketCases.1) == 1 && marketCases.1.contains("超市价签不符"))
      // The merged message counts only in the repeat rate: one of four received.
      let repeats = try await get(
        app, "/staff/dashboard/cases?period=2026-03&by=type&group=complaint&kpi=repeat_rate&meeting=1",
        cookies: supervisor.cookies)
      #expect(titles(repeats.1) == 1 && repeats.1.contains("电梯又停了"))

      // An urgent case assigned now must be accepted within two hours: due this week.
      let urgent = try await site.store.submit(
        Fixtures.newMessage(title: "燃气泄漏急件", leader: world.secretary.id, urgent: true), at: site.clock.now
      ).message.id
      try await site.store.perform(
        .assign(lead: world.housing.id), on: urgent, by: world.dispatcher, at: site.clock.now)
      let due = try await get(app, "/staff/dashboard?period=2026-03", cookies: handler.cookies).1
      let dueSection = try #require(due.range(of: "id=\"due-this-week\""))
      #expect(due[dueSection.upperBound...].prefix(3_000).contains("燃气泄漏急件"))
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      #expect(try await get(app, "/staff/dashboard", cookies: dispatcher.cookies).0 == .forbidden)
    }
  }

  /// 增速排名: groups with the minimum volume in both periods, by how much the figure moved.
  @Test(arguments: TestDatabase.available)
  func growthRanking_comparesWithThePeriodBefore(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      _ = try await seed(site)
      let (app, store, world) = (site.app, site.store, site.world)
      let february = Fixtures.at("2026-02-10")
      // February: 住建委 replied its one case (100 %), 市场监管局 not its one (0 %).
      let housingBefore = try await store.submit(
        Fixtures.newMessage(title: "二月的住建委件", leader: world.secretary.id), at: february
      ).message.id
      try await store.perform(.assign(lead: world.housing.id), on: housingBefore, by: world.dispatcher, at: february)
      try await store.perform(.accept(), on: housingBefore, by: world.housingHandler, at: february)
      try await store.perform(.reply(body: "已处理。"), on: housingBefore, by: world.housingHandler, at: february)
      try await store.perform(.approveReply(), on: housingBefore, by: world.housingReviewer, at: february)
      let marketBefore = try await store.submit(
        Fixtures.newMessage(title: "二月的市场监管件", leader: world.secretary.id), at: february
      ).message.id
      try await store.perform(.assign(lead: world.market.id), on: marketBefore, by: world.dispatcher, at: february)
      var definitions = try KPIDefinitions.bundled()
      let index = try #require(definitions.kpis.firstIndex { $0.id == "reply_rate" })
      definitions.kpis[index].minimumVolume = 1
      let table = try await store.statistics(
        period: try #require(StatsPeriod("2026-03")), by: .unit, asOf: site.clock.now, definitions: definitions,
        trendOf: definitions["reply_rate"])
      let growth = table.growth(by: "reply_rate")
      // March: 市场监管局 100 % (+100 points), 住建委 50 % (−50 points).
      #expect(growth.map(\.key) == [world.market.id, world.housing.id].map { $0.uuidString.lowercased() })
      #expect(growth.map { ($0.change * 100).rounded() } == [100, -50])
      // With the shipped minimum of 10, no unit has enough cases in both months: the page says so.
      let page = try await get(app, "/stats?period=2026-03&by=unit&kpi=reply_rate").1
      #expect(page.contains("id=\"stats-growth\"") && page.contains("不作增速排名"))
    }
  }
}
