import Foundation
import MinshengCore
import MinshengStore

/// `/stats`: the platform's figures, a ranking with its method, a month-by-month chart (SVG drawn
/// here, no script) with its numbers as a table, and every KPI's definition.
struct StatsContent: Encodable, Sendable {
  struct Card: Encodable, Sendable {
    var name: String
    var value: String
    var count: String
  }

  struct Link: Encodable, Sendable {
    var href: String
    var label: String
    var current: Bool
  }

  struct Row: Encodable, Sendable {
    var rank: String
    var name: String
    var url: String
    var value: String
    var count: Int
    var ranked: Bool
  }

  struct Bar: Encodable, Sendable {
    var x: Int
    var y: Int
    var height: Int
    var labelX: Int
    /// The month's number under the bar, and the month in full in the table.
    var short: String
    var month: String
    var value: String
    var count: Int
  }

  struct Method: Encodable, Sendable {
    var name: String
    var method: String
  }

  var intro: String
  var periodLinks: [Link]
  var dimensionLinks: [Link]
  var kpiOptions: [Option]
  var period: String
  var by: String
  var cards: [Card]
  var kpiName: String
  var kpiMethod: String
  var rankingNotes: [String]
  var rows: [Row]
  var trendCaption: String
  var bars: [Bar]
  var methods: [Method]

  init(
    table: StatisticsTable, selection: StatsController.Selection, names: ReferenceNames, language: Language, now: Date,
    today: LocalDate
  ) {
    let code = language.rawValue
    let kpi = selection.kpi
    let trend = table.trend
    func shown(_ figure: KPIFigure?, of definition: KPIDefinition) -> String {
      StatsNames.value(figure, of: definition, in: language)
    }
    func link(period: StatsPeriod? = nil, by: StatsDimension? = nil) -> String {
      SiteURL.stats.path(query: [
        ("period", (period ?? selection.period).description), ("by", (by ?? selection.dimension).rawValue),
        ("kpi", kpi.id),
      ])
    }
    intro = language.text(
      "stats_intro", ["time": .plain(language.dateTime(now)), "period": .plain(selection.period.description)])
    period = selection.period.description
    by = selection.dimension.rawValue
    let thisYear = StatsPeriod(.year, containing: today)
    let thisMonth = StatsPeriod(.month, containing: today)
    periodLinks = [
      ("stats_period_year", thisYear), ("stats_period_last_year", thisYear.previous),
      ("stats_period_month", thisMonth), ("stats_period_last_month", thisMonth.previous),
    ].map { key, period in
      Link(href: link(period: period), label: language.text(key), current: period == selection.period)
    }
    dimensionLinks = StatsDimension.allCases.filter { $0 != .platform }.map {
      Link(href: link(by: $0), label: language.text("stats_by_" + $0.rawValue), current: $0 == selection.dimension)
    }
    kpiOptions = table.definitions.kpis.map {
      Option(value: $0.id, label: $0.name(in: code), selected: $0.id == kpi.id)
    }
    cards = StatsController.summary.compactMap { id in
      guard let definition = table.definitions[id] else { return nil }
      let figure = table.platform[id]
      return Card(
        name: definition.name(in: code), value: shown(figure, of: definition),
        count: language.text("stats_counted", ["n": .number(figure?.denominator ?? 0)]))
    }
    kpiName = kpi.name(in: code)
    kpiMethod = kpi.method(in: code)
    let ranking = table.ranking(by: kpi.id)
    var notes = [
      language.text("stats_method_minimum", ["n": .number(kpi.minimumVolume)]), language.text("stats_method_ties"),
    ]
    if kpi.kind == .rate, kpi.priorWeight > 0 {
      notes.append(
        language.text(
          "stats_method_prior", ["n": .number(kpi.priorWeight), "rate": .plain(language.percent(ranking?.prior))]))
    }
    notes.append(language.text(kpi.higherIsBetter ? "stats_method_higher" : "stats_method_lower"))
    rankingNotes = notes
    rows = (ranking?.rows ?? []).map { row in
      Row(
        rank: row.rank.map(String.init) ?? language.text("stats_unranked"),
        name: StatsNames.name(of: row.key, in: selection.dimension, names: names, language: language),
        url: StatsNames.url(of: row.key, in: selection.dimension), value: shown(row.figure, of: kpi),
        count: row.figure.denominator, ranked: row.rank != nil)
    }
    trendCaption = language.text(
      "stats_trend_caption", ["kpi": .plain(kpi.name(in: code)), "year": .plain(String(selection.period.first.year))])
    // 12 bars of 24 in a 360 × 200 box: 160 high at most, values on top, months below.
    let top = kpi.kind == .rate ? 1.0 : max(1, trend.compactMap(\.figure.value).max() ?? 1)
    bars = trend.enumerated().map { index, entry in
      let height = Int(((entry.figure.value ?? 0) / top * 150).rounded())
      return Bar(
        x: 8 + index * 29, y: 170 - height, height: height, labelX: 20 + index * 29, short: String(index + 1),
        month: entry.month.description, value: shown(entry.figure, of: kpi), count: entry.figure.denominator)
    }
    methods = table.definitions.kpis.map { Method(name: $0.name(in: code), method: $0.method(in: code)) }
  }
}
