import Foundation
import MinshengCore

/// 统计: every KPI of every group of one breakdown for one period, with what it was computed from.
public struct StatisticsTable: Sendable {
  public var period: StatsPeriod
  public var dimension: StatsDimension
  /// The moment deadlines were judged at.
  public var asOf: Date
  public var definitions: KPIDefinitions
  /// Group key (a unit's, region's … identifier in lower case, or a channel's or type's name) → KPI
  /// identifier → figure.
  public var groups: [String: [String: KPIFigure]]
  /// The figures of the whole platform.
  public var platform: [String: KPIFigure]
  /// One KPI for the whole platform, month by month over the period's year (months that begin after
  /// `asOf` left out), when asked for.
  public var trend: [(month: StatsPeriod, figure: KPIFigure)] = []
  /// The groups' figures in the period before (of the same length), read with the trend.
  public var previousGroups: [String: [String: KPIFigure]] = [:]
  /// 热力表: how many cases were received in the period by category and region (nil: none given),
  /// read with the trend.
  public var received: [HeatCell: Int] = [:]

  /// A cell of the heat table.
  public struct HeatCell: Hashable, Sendable {
    public var category: UUID?
    public var region: UUID?

    public init(category: UUID?, region: UUID?) {
      self.category = category
      self.region = region
    }
  }

  /// The groups ranked by one KPI.
  public func ranking(by kpi: String) -> Ranking? {
    guard let definition = definitions[kpi] else { return nil }
    return Ranking(groups.compactMapValues { $0[kpi] }, by: definition)
  }

  /// 增速排名: the groups with the KPI's minimum volume in this period and the one before, by how much
  /// the figure moved (the better direction first; equal moves by volume, then key).
  public func growth(by kpi: String) -> [(key: String, now: KPIFigure, before: KPIFigure, change: Double)] {
    guard let definition = definitions[kpi] else { return [] }
    let moved = groups.compactMap { key, figures -> (key: String, now: KPIFigure, before: KPIFigure, change: Double)? in
      guard let now = figures[kpi], let before = previousGroups[key]?[kpi], now.ranked, before.ranked,
        let a = now.value, let b = before.value
      else { return nil }
      return (key, now, before, a - b)
    }
    return moved.sorted { x, y in
      if abs(x.change - y.change) > 1e-9 {
        return definition.higherIsBetter ? x.change > y.change : x.change < y.change
      }
      return (x.now.denominator, y.key) > (y.now.denominator, x.key)
    }
  }
}

extension Store {
  /// How far before a period the cases it may count were received: a case counts in a period by its
  /// due date, reply or evaluation too, which fall after its receipt.
  public static let statisticsLookback: TimeInterval = 366 * 86_400

  /// Every KPI of `definitions` for every group of `dimension` in `period`, deadlines judged at
  /// `asOf`; with `trendOf`, that KPI month by month over the period's year too.
  ///
  /// Summed from the roll-ups when they count by `definitions` and the period is a month, a quarter or
  /// a year (`rolledStatistics`); otherwise computed from the cases received from a year before the
  /// period (or its year) up to its end, each read with its events (`CaseFacts`), once. Both count
  /// each case by the same rules (`KPITally.add` and `KPIEngine.members`), so the figures and their
  /// lists of cases (`statisticsCases`) cannot disagree.
  public func statistics(
    period: StatsPeriod, by dimension: StatsDimension, asOf: Date, definitions: KPIDefinitions,
    trendOf kpi: KPIDefinition? = nil
  ) async throws -> StatisticsTable {
    if let table = try await rolledStatistics(
      period: period, by: dimension, asOf: asOf, definitions: definitions, trendOf: kpi)
    {
      return table
    }
    let year = StatsPeriod(.year, containing: period.first)
    let facts: [CaseFacts]
    if kpi == nil {
      facts = try await caseFacts(for: period)
    } else {
      // The year for the trend, and the period before for the growth.
      let first = min(year.first, period.previous.first)
      facts = try await caseFacts(
        receivedFrom: rules.calendar.start(of: first).addingTimeInterval(-Self.statisticsLookback),
        to: rules.calendar.start(of: max(year.end, period.end)))
    }
    let engine = KPIEngine(definitions: definitions, calendar: rules.calendar)
    var table = StatisticsTable(
      period: period, dimension: dimension, asOf: asOf, definitions: definitions,
      groups: engine.table(facts, by: dimension, period: period, asOf: asOf),
      platform: engine.table(facts, by: .platform, period: period, asOf: asOf)["all"] ?? [:])
    if let kpi {
      table.previousGroups = engine.table(facts, by: dimension, period: period.previous, asOf: asOf)
      let span = period.interval(on: rules.calendar)
      for case let facts in facts where span.contains(facts.receivedAt) {
        table.received[StatisticsTable.HeatCell(category: facts.categoryID, region: facts.regionID), default: 0] += 1
      }
      var month = StatsPeriod(.month, containing: year.first)
      while month.first < year.end, rules.calendar.start(of: month.first) <= asOf {
        table.trend.append((month, engine.figure(kpi, in: facts, period: month, asOf: asOf)))
        month = StatsPeriod(.month, containing: month.end)
      }
    }
    return table
  }

  /// The cases one figure counts (`meeting` false: its denominator) or those of them that meet it
  /// (`meeting` true: its numerator), in serial order: the drill-down behind a figure. Nil for an
  /// unknown KPI.
  public func statisticsCases(
    kpi id: String, group: String?, dimension: StatsDimension, period: StatsPeriod, asOf: Date,
    meeting: Bool, definitions: KPIDefinitions
  ) async throws -> [CaseFacts]? {
    guard let kpi = definitions[id] else { return nil }
    let engine = KPIEngine(definitions: definitions, calendar: rules.calendar)
    let span = period.interval(on: rules.calendar)
    // A group's cases only (a unit's, not the province's): the database picks them.
    let facts = try await caseFacts(
      receivedFrom: span.lowerBound.addingTimeInterval(-Self.statisticsLookback), to: span.upperBound,
      matching: group.flatMap { Self.groupCondition(dimension, $0) }
    ).filter { group == nil || dimension.key(of: $0) == group }
    let (counted, met) = engine.members(of: kpi, in: facts, period: period, asOf: asOf)
    return meeting ? met : counted
  }

  /// The condition on `messages` that selects a group's cases (what `StatsDimension.key` reads);
  /// nil when the key is not one the database can select by.
  static func groupCondition(_ dimension: StatsDimension, _ key: String) -> SQLFragment? {
    func id(_ column: String) -> SQLFragment? {
      UUID(uuidString: key).map { SQLFragment("\(column) = ?", [.uuid($0)]) }
    }
    switch dimension {
    case .platform: return nil
    case .unit: return id("lead_unit_id")
    case .region: return id("region_id")
    case .leader: return id("leader_id")
    case .category: return id("category_id")
    case .channel: return SQLFragment("channel = ?", [.text(key)])
    case .type: return SQLFragment("type = ?", [.text(key)])
    }
  }

  /// The facts of the cases a period's figures may count.
  func caseFacts(for period: StatsPeriod) async throws -> [CaseFacts] {
    let span = period.interval(on: rules.calendar)
    return try await caseFacts(
      receivedFrom: span.lowerBound.addingTimeInterval(-Self.statisticsLookback), to: span.upperBound)
  }

  /// The facts of every case received from `start` up to (not including) `end`, from its message and
  /// its events, read 500 messages at a time.
  public func caseFacts(receivedFrom start: Date, to end: Date) async throws -> [CaseFacts] {
    try await caseFacts(receivedFrom: start, to: end, matching: nil)
  }

  /// The same, of the messages `condition` (on `messages`) selects.
  func caseFacts(receivedFrom start: Date, to end: Date, matching condition: SQLFragment?) async throws -> [CaseFacts] {
    let runner = search.runner
    let records = try await runner.all(
      SQLFragment("SELECT * FROM messages WHERE created_at >= ? AND created_at < ?", [.date(start), .date(end)])
        + (condition.map { SQLFragment(" AND ") + $0 } ?? SQLFragment(""))
        + SQLFragment(" ORDER BY serial_year, serial_number"), as: MessageRecord.self)
    var facts: [CaseFacts] = []
    facts.reserveCapacity(records.count)
    var index = 0
    while index < records.count {
      let slice = Array(records[index..<min(index + 500, records.count)])
      index += slice.count
      facts += try await caseFacts(of: slice)
    }
    return facts
  }
}

extension Store {
  /// 督办报告 for `period`, deadlines and answers judged at `asOf`, from the cases a period may count.
  public func supervisionReport(
    period: StatsPeriod, asOf: Date, definitions: KPIDefinitions
  ) async throws -> SupervisionReport {
    SupervisionReport(
      facts: try await caseFacts(for: period), period: period, asOf: asOf,
      engine: KPIEngine(definitions: definitions, calendar: rules.calendar))
  }
}
