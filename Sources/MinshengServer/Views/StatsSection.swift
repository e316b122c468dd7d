import Foundation
import MinshengCore
import MinshengStore

/// 考核指标 on a unit's, a board's or a region's page: the platform summary's KPIs for that group this
/// year and this month, by the same definitions and from the same roll-ups as `/stats`, with a link to
/// the whole statistics (rankings and methods) broken down the same way.
struct StatsSection: Encodable, Sendable {
  struct Row: Encodable, Sendable {
    var name: String
    var year: String
    var month: String
    /// 计入 n 件 this year, for a screen reader and for the careful reader.
    var counted: String
  }

  var intro: String
  var yearLabel: String
  var monthLabel: String
  var rows: [Row]
  var moreURL: String

  /// The section for `key` in `dimension`, figures judged at `now`.
  static func make(
    key: String, in dimension: StatsDimension, context: ServerContext, language: Language, now: Date
  ) async throws -> StatsSection {
    let today = context.calendar.day(of: now)
    let year = StatsPeriod(.year, containing: today)
    let month = StatsPeriod(.month, containing: today)
    let store = context.store
    let byYear = try await store.statistics(period: year, by: dimension, asOf: now, definitions: context.kpis)
    let byMonth = try await store.statistics(period: month, by: dimension, asOf: now, definitions: context.kpis)
    let rows = StatsController.summary.compactMap { id -> Row? in
      guard let kpi = context.kpis[id] else { return nil }
      let mine = byYear.groups[key]?[id]
      return Row(
        name: kpi.name(in: language.rawValue), year: StatsNames.value(mine, of: kpi, in: language),
        month: StatsNames.value(byMonth.groups[key]?[id], of: kpi, in: language),
        counted: language.text("stats_counted", ["n": .number(mine?.denominator ?? 0)]))
    }
    return StatsSection(
      intro: language.text("stats_section_intro", ["time": .plain(language.dateTime(now))]),
      yearLabel: language.text("stats_period_year") + " (\(year.description))",
      monthLabel: language.text("stats_period_month") + " (\(month.description))", rows: rows,
      moreURL: SiteURL.stats.path(query: [("period", year.description), ("by", dimension.rawValue)]))
  }
}

/// `/regions/{id}`: a region's figures, its boards and units, and the latest public messages from it.
struct RegionContent: Encodable, Sendable {
  struct Link: Encodable, Sendable {
    var name: String
    var url: String
  }

  var name: String
  var stats: StatsSection
  var boards: [Link]
  var units: [Link]
  var empty: Bool
  var items: [MessageItem]
  var listURL: String
}
