import Foundation
import MinshengCore
import MinshengStore
import Vapor

extension DashboardController {
  /// `GET /staff/supervision/report?period=…`: 督办报告 — by unit, its overdue cases and the 督办 of
  /// the period with their answers. A unit sees its own row; supervisors and administrators every unit.
  func supervisionReport(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let scope = try pages.scope(of: .statistics, for: session)
    let language = request.pageLanguage
    let now = context.clock()
    var period = StatsPeriod(.month, containing: context.calendar.day(of: now))
    if let text = request.query[String.self, at: "period"], !text.isEmpty {
      guard let parsed = StatsPeriod(text) else { throw PageError(.badRequest, "error_stats_query") }
      period = parsed
    }
    let report = try await context.store.supervisionReport(period: period, asOf: now, definitions: context.kpis)
    let names = try await context.store.referenceNames()
    let mine = scope.unitID?.uuidString.lowercased()
    let rows = report.rows.filter { mine == nil || $0.unit == mine }
    let content = SupervisionReportContent(
      intro: language.text(
        "report_intro", ["period": .plain(period.description), "time": .plain(language.dateTime(now))]),
      period: period.description,
      rows: rows.map { row in
        SupervisionReportContent.Row(
          name: StatsNames.name(of: row.unit, in: .unit, names: names, language: language), overdue: row.overdue,
          issued: row.issued, answered: row.answered, answeredOnTime: row.answeredOnTime, open: row.open,
          openLate: row.openLate)
      },
      totals: SupervisionReportContent.Row(
        name: language.text("report_total"), overdue: rows.reduce(0) { $0 + $1.overdue },
        issued: rows.reduce(0) { $0 + $1.issued }, answered: rows.reduce(0) { $0 + $1.answered },
        answeredOnTime: rows.reduce(0) { $0 + $1.answeredOnTime }, open: rows.reduce(0) { $0 + $1.open },
        openLate: rows.reduce(0) { $0 + $1.openLate }))
    return try await pages.render(
      request, "staff/supervision-report", title: language.text("report_title"), session: session, content)
  }
}

struct SupervisionReportContent: Encodable, Sendable {
  struct Row: Encodable, Sendable {
    var name: String
    var overdue: Int
    var issued: Int
    var answered: Int
    var answeredOnTime: Int
    var open: Int
    var openLate: Int
  }

  var intro: String
  var period: String
  var rows: [Row]
  var totals: Row
}

extension DashboardController {
  /// `GET /staff/dashboard/export.xlsx?period=…&by=…`: the period's figures by the breakdown, the
  /// 督办报告 (a unit's own row only, for a unit) and the methods, as a workbook.
  func export(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let scope = try pages.scope(of: .statistics, for: session)
    let language = request.pageLanguage
    let selection: StatsController.Selection
    do {
      selection = try StatsController(context: context).selection(request)
    } catch is ValidationError {
      throw PageError(.badRequest, "error_stats_query")
    }
    let now = context.clock()
    let table = try await context.store.statistics(
      period: selection.period, by: selection.dimension, asOf: now, definitions: context.kpis)
    var report = try await context.store.supervisionReport(
      period: selection.period, asOf: now, definitions: context.kpis)
    if let unit = scope.unitID?.uuidString.lowercased() { report.rows = report.rows.filter { $0.unit == unit } }
    let file = StatsWorkbook.make(
      table, report: report, names: try await context.store.referenceNames(), language: language)
    let response = Response(status: .ok, body: .init(data: file.data))
    response.headers.replaceOrAdd(name: .contentType, value: XLSXFile.contentType)
    response.headers.replaceOrAdd(
      name: .contentDisposition,
      value: "attachment; filename=\"minsheng-stats-\(selection.period)-\(selection.dimension.rawValue).xlsx\"")
    response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
    return response
  }
}
