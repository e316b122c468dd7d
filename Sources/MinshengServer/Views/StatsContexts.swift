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

  struct Growth: Encodable, Sendable {
    var rank: Int
    var name: String
    var url: String
    var now: String
    var before: String
    var change: String
  }

  struct HeatRow: Encodable, Sendable {
    var name: String
    var cells: [HeatCellView]
  }

  struct HeatCellView: Encodable, Sendable {
    var count: Int
    /// 0 (none) to 4 (the most of any cell): the cell's shade.
    var level: Int
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
  var growthIntro: String
  var growth: [Growth]
  var heatColumns: [String]
  var heatRows: [HeatRow]
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
    growthIntro = language.text(
      "stats_growth_intro",
      ["previous": .plain(selection.period.previous.description), "n": .number(kpi.minimumVolume)])
    growth = table.growth(by: kpi.id).enumerated().map { index, entry in
      let change: String
      if kpi.kind == .rate {
        let points = (entry.change * 1_000).rounded() / 10
        change = language.text(
          "stats_change_points", ["n": .plain((points > 0 ? "+" : "") + points.formatted(.number))])
      } else {
        let hours = Int(entry.change.rounded())
        change = (hours > 0 ? "+" : "") + language.text("duration_hours", ["n": .number(hours)])
      }
      return Growth(
        rank: index + 1,
        name: StatsNames.name(of: entry.key, in: selection.dimension, names: names, language: language),
        url: StatsNames.url(of: entry.key, in: selection.dimension), now: shown(entry.now, of: kpi),
        before: shown(entry.before, of: kpi), change: change)
    }
    (heatColumns, heatRows) = Self.heat(table.received, names: names, language: language)
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

  /// 热力表: first-level categories down, regions across (by code; the most-used twelve, the rest
  /// together), the cases received in each.
  static func heat(
    _ received: [StatisticsTable.HeatCell: Int], names: ReferenceNames, language: Language
  ) -> (columns: [String], rows: [HeatRow]) {
    guard !received.isEmpty else { return ([], []) }
    func root(_ id: UUID?) -> UUID? {
      var current = id
      var depth = 0
      while let id = current, let parent = names.categories[id]?.parentID, depth < 16 {
        current = parent
        depth += 1
      }
      return current
    }
    var byRegion: [UUID?: Int] = [:]
    for (cell, n) in received { byRegion[cell.region, default: 0] += n }
    let shown = byRegion.sorted { $0.value > $1.value }.prefix(12).map(\.key)
    let regions = shown.sorted {
      (names.regions[$0 ?? UUID()]?.code ?? "~") < (names.regions[$1 ?? UUID()]?.code ?? "~")
    }
    let others = byRegion.count > regions.count
    var counts: [UUID?: [Int]] = [:]
    for (cell, n) in received {
      let column = regions.firstIndex(of: cell.region) ?? regions.count
      counts[root(cell.category), default: Array(repeating: 0, count: regions.count + (others ? 1 : 0))][column] += n
    }
    let top = max(1, counts.values.flatMap { $0 }.max() ?? 1)
    let columns =
      regions.map { $0.flatMap { names.regions[$0]?.name } ?? language.text("stats_heat_none") }
      + (others ? [language.text("stats_heat_other")] : [])
    let rows = counts.sorted {
      (names.categories[$0.key ?? UUID()]?.code ?? "~") < (names.categories[$1.key ?? UUID()]?.code ?? "~")
    }
    .map { category, cells in
      HeatRow(
        name: category.flatMap { names.categories[$0]?.name } ?? language.text("stats_heat_none"),
        cells: cells.map { HeatCellView(count: $0, level: $0 == 0 ? 0 : 1 + min(3, $0 * 4 / (top + 1))) })
    }
    return (columns, rows)
  }
}
