import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 统计看板 (`/staff/dashboard`): a unit's KPIs beside its region's and the whole platform's, or for
/// supervisors and administrators every unit's for one KPI; each count opens the list of the cases it
/// counts (`/staff/dashboard/cases`), which has exactly that many.
struct DashboardController: Sendable {
  let pages: StaffPages
  var context: ServerContext { pages.context }

  /// `GET /staff/dashboard?period=…&kpi=…`.
  func dashboard(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let scope = try pages.scope(of: .statistics, for: session)
    let language = request.pageLanguage
    let selection = try selection(request)
    let now = context.clock()
    let names = try await context.store.referenceNames()
    let byUnit = try await context.store.statistics(
      period: selection.period, by: .unit, asOf: now, definitions: context.kpis)
    var content = DashboardContent(
      heading: language.text("place_statistics"),
      intro: language.text(
        "dashboard_intro", ["period": .plain(selection.period.description), "time": .plain(language.dateTime(now))]),
      period: selection.period.description, kpiOptions: [], rows: [], comparison: [])
    content.exportURL = SiteURL.staff(.dashboardExport).path(query: [
      ("period", selection.period.description), ("by", StatsDimension.unit.rawValue),
    ])
    content.kpiOptions = context.kpis.kpis.map {
      Option(value: $0.id, label: $0.name(in: language.rawValue), selected: $0.id == selection.kpi.id)
    }
    /// A figure's two counts, each linked to its cases (no link for none).
    func counts(_ kpi: KPIDefinition, group: String, _ figure: KPIFigure?) -> DashboardContent.Counts {
      func link(meeting: Bool, count: Int) -> String {
        count == 0
          ? ""
          : SiteURL.staff(.dashboardCases).path(query: [
            ("period", selection.period.description), ("by", StatsDimension.unit.rawValue), ("group", group),
            ("kpi", kpi.id), ("meeting", meeting ? "1" : "0"),
          ])
      }
      let (counted, meeting) = (figure?.denominator ?? 0, figure?.numerator ?? 0)
      return DashboardContent.Counts(
        counted: counted, meeting: meeting, countedURL: link(meeting: false, count: counted),
        meetingURL: link(meeting: true, count: meeting), isRate: kpi.kind == .rate)
    }
    if let unit = scope.unitID {
      // A unit: each KPI for the unit, its region (messages from there) and the platform.
      let key = unit.uuidString.lowercased()
      let region = names.units[unit]?.regionID.uuidString.lowercased() ?? ""
      let byRegion = try await context.store.statistics(
        period: selection.period, by: .region, asOf: now, definitions: context.kpis)
      // 本周到期: the unit's running deadlines that fall before this week ends, soonest first.
      let calendar = context.calendar
      let week = StatsPeriod(.week, containing: calendar.day(of: now))
      content.dueThisWeek = try await context.store.casesDue(
        from: now, before: calendar.start(of: week.end), leadUnit: unit, limit: 100
      ).map { CaseRow($0, names: names, language: language, now: now, calendar: calendar) }
        .sorted { ($0.dueSort, $0.serial) < ($1.dueSort, $1.serial) }
      content.unitName = names.units[unit]?.name ?? ""
      content.regionName = names.units[unit].flatMap { names.regions[$0.regionID]?.name } ?? ""
      content.comparison = context.kpis.kpis.map { kpi in
        let mine = byUnit.groups[key]?[kpi.id]
        return DashboardContent.Comparison(
          name: kpi.name(in: language.rawValue), unit: StatsNames.value(mine, of: kpi, in: language),
          counts: counts(kpi, group: key, mine),
          region: StatsNames.value(byRegion.groups[region]?[kpi.id], of: kpi, in: language),
          platform: StatsNames.value(byUnit.platform[kpi.id], of: kpi, in: language))
      }
    } else {
      // Supervisors and administrators: every unit for one KPI, in the public ranking's order.
      let kpi = selection.kpi
      content.kpiName = kpi.name(in: language.rawValue)
      content.rows = (byUnit.ranking(by: kpi.id)?.rows ?? []).map { row in
        DashboardContent.Row(
          rank: row.rank.map(String.init) ?? language.text("stats_unranked"),
          name: StatsNames.name(of: row.key, in: .unit, names: names, language: language),
          value: StatsNames.value(row.figure, of: kpi, in: language), counts: counts(kpi, group: row.key, row.figure))
      }
    }
    if session.account.role == .admin {
      let frozen = try await context.store.frozenHonours()
      let thisYear = context.calendar.day(of: now).year
      content.honours = [thisYear - 1, thisYear - 2].map { year in
        let found = frozen.first { $0.result.year == year }
        return DashboardContent.HonoursYear(
          year: String(year), url: SiteURL.honoursYear(.value(String(year))).path,
          published: found.map {
            language.text(
              "honours_published_by", ["time": .plain(language.dateTime($0.frozenAt)), "user": .plain($0.frozenBy)])
          } ?? "")
      }
    }
    return try await pages.render(
      request, "staff/dashboard", title: language.text("place_statistics"), session: session, content)
  }

  /// `GET /staff/dashboard/cases?period=…&by=…&group=…&kpi=…&meeting=0|1`: the cases one figure counts
  /// (or those of them that meet it). A unit sees only its own figures' cases.
  func cases(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let scope = try pages.scope(of: .statistics, for: session)
    let language = request.pageLanguage
    let selection = try selection(request)
    guard let group = request.query[String.self, at: "group"], !group.isEmpty else {
      throw PageError(.badRequest, "error_stats_query")
    }
    let meeting = request.query[String.self, at: "meeting"] == "1"
    if let unit = scope.unitID, selection.dimension != .unit || group != unit.uuidString.lowercased() {
      throw PageError.notAllowed(.statistics)
    }
    let now = context.clock()
    guard
      let found = try await context.store.statisticsCases(
        kpi: selection.kpi.id, group: group, dimension: selection.dimension, period: selection.period, asOf: now,
        meeting: meeting, definitions: context.kpis)
    else { throw PageError(.badRequest, "error_stats_query") }
    let names = try await context.store.referenceNames()
    let content = DashboardCasesContent(
      heading: language.text(
        meeting ? "dashboard_cases_meeting" : "dashboard_cases_counted",
        [
          "kpi": .plain(selection.kpi.name(in: language.rawValue)),
          "group": .plain(StatsNames.name(of: group, in: selection.dimension, names: names, language: language)),
          "period": .plain(selection.period.description), "n": .number(found.count),
        ]),
      back: SiteURL.staff(.dashboard).path(query: [
        ("period", selection.period.description), ("kpi", selection.kpi.id),
      ]),
      cases: found.map { facts in
        DashboardCasesContent.Item(
          url: SiteURL.staff(.message(.value(facts.id))).path, serial: facts.serial.description, title: facts.title,
          status: language.name(facts.status),
          unit: facts.unitID.flatMap { names.units[$0]?.name } ?? "", received: language.dateTime(facts.receivedAt))
      })
    return try await pages.render(
      request, "staff/dashboard-cases", title: language.text("place_statistics"), session: session, content)
  }

  private func selection(_ request: Request) throws -> StatsController.Selection {
    do {
      return try StatsController(context: context).selection(request)
    } catch is ValidationError {
      throw PageError(.badRequest, "error_stats_query")
    }
  }
}

struct DashboardContent: Encodable, Sendable {
  /// A figure's cases counted and cases meeting it (rates only), each linked to its list.
  struct Counts: Encodable, Sendable {
    var counted: Int
    var meeting: Int
    var countedURL: String
    var meetingURL: String
    var isRate: Bool
  }

  struct Row: Encodable, Sendable {
    var rank: String
    var name: String
    var value: String
    var counts: Counts
  }

  struct Comparison: Encodable, Sendable {
    var name: String
    var unit: String
    var counts: Counts
    var region: String
    var platform: String
  }

  var heading: String
  var intro: String
  var period: String
  var kpiOptions: [Option]
  var kpiName = ""
  var unitName = ""
  var regionName = ""
  var rows: [Row]
  var comparison: [Comparison]
  /// A unit's cases whose deadline falls before this week ends.
  var dueThisWeek: [CaseRow] = []
  /// 导出: the period's figures as a workbook.
  var exportURL = ""
  /// 表彰定榜 (administrators): the two years before this one, published or ready to be.
  var honours: [HonoursYear] = []

  struct HonoursYear: Encodable, Sendable {
    var year: String
    var url: String
    /// Empty while the year is not published.
    var published: String
  }
}

struct DashboardCasesContent: Encodable, Sendable {
  struct Item: Encodable, Sendable {
    var url: String
    var serial: String
    var title: String
    var status: String
    var unit: String
    var received: String
  }

  var heading: String
  var back: String
  var cases: [Item]
}
