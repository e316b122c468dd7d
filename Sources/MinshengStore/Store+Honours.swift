import Foundation
import MinshengCore

/// A year's honours as an administrator published them.
public struct FrozenHonours: Sendable, Equatable {
  public var result: HonoursResult
  public var frozenAt: Date
  public var frozenBy: String
}

extension ReferenceChange {
  static func honours(_ id: UUID, _ result: HonoursResult) -> ReferenceChange {
    var after = ["year": String(result.year)]
    for list in result.lists {
      after[list.id] = list.entries.map { "\($0.rank):\($0.unit)" }.joined(separator: ",")
    }
    return ReferenceChange(entity: "honours", id: id, after: after)
  }
}

extension Store {
  /// Every KPI of `definitions` by unit for `year` and the year before, deadlines judged at `asOf`:
  /// what the honours are computed from: summed from the roll-ups when they can give them exactly,
  /// otherwise from the cases, read once with their events.
  public func honoursFigures(year: Int, asOf: Date, definitions: KPIDefinitions) async throws -> StatisticsFigures {
    guard let first = LocalDate(year: year, month: 1, day: 1) else {
      return StatisticsFigures(asOf: asOf, groups: [:], platform: [:])
    }
    let period = StatsPeriod(.year, containing: first)
    let previous = period.previous
    var figures: StatisticsFigures
    if let rolled = try await rolledYearFigures(year: period, asOf: asOf, definitions: definitions) {
      figures = rolled
    } else {
      let facts = try await caseFacts(
        receivedFrom: rules.calendar.start(of: previous.first).addingTimeInterval(-Self.statisticsLookback),
        to: rules.calendar.start(of: period.end))
      let engine = KPIEngine(definitions: definitions, calendar: rules.calendar)
      figures = StatisticsFigures(
        asOf: asOf, groups: engine.table(facts, by: .unit, period: period, asOf: asOf),
        platform: engine.table(facts, by: .platform, period: period, asOf: asOf)["all"] ?? [:],
        previousGroups: engine.table(facts, by: .unit, period: previous, asOf: asOf),
        previousPlatform: engine.table(facts, by: .platform, period: previous, asOf: asOf)["all"] ?? [:])
    }
    let span = period.interval(on: rules.calendar)
    for row in try await search.runner.all(
      SQLFragment(
        """
        SELECT t.unit_id AS unit_id, COUNT(*) AS n FROM thanks_letters t JOIN messages m ON m.id = t.message_id
        WHERE t.unit_id IS NOT NULL AND t.created_at >= ? AND t.created_at < ? AND m.is_public = ?
        AND m.publication = 'published' GROUP BY t.unit_id
        """, [.date(span.lowerBound), .date(span.upperBound), .bool(true)]), as: UnitCountRow.self)
    {
      figures.thanks[row.unit_id.uuidString.lowercased()] = row.n
    }
    // Letters to a unit without a case count as well, once published.
    for row in try await search.runner.all(
      SQLFragment(
        """
        SELECT unit_id, COUNT(*) AS n FROM thanks_notes
        WHERE publication = 'published' AND created_at >= ? AND created_at < ? GROUP BY unit_id
        """, [.date(span.lowerBound), .date(span.upperBound)]), as: UnitCountRow.self)
    {
      figures.thanks[row.unit_id.uuidString.lowercased(), default: 0] += row.n
    }
    // 汇智为民: the suggestions each unit evaluated in the year, and adopted.
    for row in try await search.runner.all(
      SQLFragment(
        """
        SELECT evaluated_by AS unit_id, COUNT(*) AS n,
          SUM(CASE WHEN outcome IN ('adopted', 'partly_adopted') THEN 1 ELSE 0 END) AS adopted
        FROM proposals WHERE evaluated_by IS NOT NULL AND evaluated_at >= ? AND evaluated_at < ?
        GROUP BY evaluated_by
        """, [.date(span.lowerBound), .date(span.upperBound)]), as: UnitAdoptionRow.self)
    {
      let unit = row.unit_id.uuidString.lowercased()
      figures.evaluated[unit] = row.n
      if let adopted = row.adopted, adopted > 0 { figures.adopted[unit] = adopted }
    }
    return figures
  }

  /// The published honours, latest year first.
  public func frozenHonours() async throws -> [FrozenHonours] {
    try await reference.frozenHonours()
  }

  /// 定榜: publishes a year's honours as computed now, kept whole so that later edits to cases do not
  /// change them, with the publication recorded in `reference_changes` in the same transaction.
  ///
  /// Administrators only; a year can be published once it is over, and only once
  /// (`StoreError.duplicate`).
  @discardableResult
  public func freezeHonours(
    year: Int, formula: HonoursFormula, definitions: KPIDefinitions, by actor: Actor, at now: Date
  ) async throws -> FrozenHonours {
    guard actor.role == .admin else { throw StoreError.forbidden(LocalizedText("error_forbidden_honours")) }
    guard year < rules.calendar.day(of: now).year else {
      throw StoreError.forbidden(LocalizedText("error_honours_year_not_over", ["year": .plain(String(year))]))
    }
    let figures = try await honoursFigures(year: year, asOf: now, definitions: definitions)
    var result = HonoursResult(formula: formula, year: year, table: figures)
    // The names as they are now: a unit renamed later keeps the name it was honoured under.
    let units = try await snapshot().units
    for list in result.lists {
      for entry in list.entries {
        if let id = UUID(uuidString: entry.unit), let unit = units[id] { result.unitNames[entry.unit] = unit.name }
      }
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let body = String(decoding: try encoder.encode(result), as: UTF8.self)
    let id = ids.newID()
    try await reference.insert(
      ReferenceRow(
        table: .frozenHonours,
        values: [
          ("id", .uuid(id)), ("year", .integer(Int64(year))), ("body", .text(body)), ("frozen_at", .date(now)),
          ("frozen_by", .text(actor.id)),
        ],
        duplicate: (.honours, String(year))),
      change: changeEntry(.honours(id, result), "freeze", by: actor.id, at: now))
    return FrozenHonours(result: result, frozenAt: now, frozenBy: actor.id)
  }
}

private struct UnitAdoptionRow: Decodable, Sendable {
  var unit_id: UUID
  var n: Int
  var adopted: Int?
}

struct UnitCountRow: Decodable, Sendable {
  var unit_id: UUID
  var n: Int
}
