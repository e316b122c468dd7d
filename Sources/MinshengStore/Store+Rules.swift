import FluentKit
import Foundation
import MinshengCore
import SQLKit
import Synchronization

/// The rules a store applies: the ones it was opened with (shipped and configured files) and the
/// current ones, which add the documents administrators uploaded.
final class RuleState: Sendable {
  private let state: Mutex<(base: CaseRules, current: CaseRules)>

  init(base: CaseRules) {
    state = Mutex((base, base))
  }

  var base: CaseRules { state.withLock { $0.base } }
  var current: CaseRules { state.withLock { $0.current } }

  func set(_ rules: CaseRules) {
    state.withLock { $0.current = rules }
  }
}

/// An uploaded calendar year or SLA rule set, as the administration pages list them.
public struct RuleDocument: Sendable, Equatable {
  public enum Kind: String, Sendable {
    case calendar
    case sla
  }

  public var id: UUID
  public var kind: Kind
  /// The year of a calendar; `default` for the SLA rules.
  public var key: String
  public var body: String
  public var updatedAt: Date
  public var updatedBy: String
}

extension Store {
  /// Stores a year's holiday arrangement (the JSON of a file in `Data/calendars`) after checking it
  /// against the calendar in force; a year that ships with Minsheng or comes from a configured file
  /// cannot be replaced, a year uploaded before can. Recorded in `reference_changes`; the rules in
  /// force change at once on this instance and at the next `reloadRules()` on the others.
  @discardableResult
  public func saveCalendarYear(json: Data, by actor: String, at now: Date) async throws -> HolidayYear {
    let year: HolidayYear
    do {
      year = try JSONDecoder().decode(HolidayYear.self, from: json)
    } catch {
      throw ValidationError(
        field: "file",
        reason: .invalid("不是节假日安排文件（JSON，含 year、source、holidays）：\(Self.decodingMessage(error))"))
    }
    guard !ruleState.base.calendar.covers(year.year) else {
      throw ValidationError(field: "file", reason: .invalid("\(year.year) 年的安排随系统提供或来自配置文件，不能在此替换"))
    }
    var check = ruleState.base.calendar
    do {
      try check.add(year)
    } catch {
      throw ValidationError(field: "file", reason: .invalid(error.description))
    }
    try await saveRuleDocument(
      .calendar, key: String(year.year), body: String(decoding: json, as: UTF8.self),
      summary: ["year": String(year.year), "source": year.source, "holidays": String(year.holidays.count)], by: actor,
      at: now)
    return year
  }

  /// Replaces the SLA rules (the JSON of `sla-default.json`) after checking that they decode and
  /// every limit is positive. Recorded in `reference_changes`.
  public func saveSLA(json: Data, by actor: String, at now: Date) async throws {
    let rules: SLAPolicySet
    do {
      rules = try JSONDecoder().decode(SLAPolicySet.self, from: json)
    } catch {
      throw ValidationError(field: "sla", reason: .invalid("时限规则无法解析：\(Self.decodingMessage(error))"))
    }
    guard !rules.rules.isEmpty else { throw ValidationError(field: "sla", reason: .invalid("至少要有一条规则")) }
    try await saveRuleDocument(
      .sla, key: "default", body: String(decoding: json, as: UTF8.self),
      summary: ["version": String(rules.version), "rules": String(rules.rules.count)], by: actor, at: now)
  }

  /// The uploaded documents, calendars by year, then the SLA rules.
  public func ruleDocuments() async throws -> [RuleDocument] {
    let rows = try await Self.sql(db).select().column("*").from("rule_documents").orderBy("kind").orderBy("key").all()
    return try rows.compactMap { row in
      guard let kind = RuleDocument.Kind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
      return RuleDocument(
        id: try row.decode(column: "id", as: UUID.self), kind: kind,
        key: try row.decode(column: "key", as: String.self),
        body: try row.decode(column: "body", as: String.self),
        updatedAt: try row.decode(column: "updated_at", as: Date.self),
        updatedBy: try row.decode(column: "updated_by", as: String.self))
    }
  }

  /// Reads the uploaded documents again and puts the rules they make in force: the store's own rules,
  /// each uploaded year added, the uploaded SLA rules in place of the others. A document that no
  /// longer applies (a year since shipped with Minsheng) is skipped and named in the result.
  @discardableResult
  public func reloadRules() async throws -> [String] {
    var rules = ruleState.base
    var skipped: [String] = []
    for document in try await ruleDocuments() {
      switch document.kind {
      case .calendar:
        do {
          try rules.calendar.add(json: Data(document.body.utf8))
        } catch {
          skipped.append("\(document.key) 年节假日安排：\(error.description)")
        }
      case .sla:
        if let sla = try? JSONDecoder().decode(SLAPolicySet.self, from: Data(document.body.utf8)) {
          rules.sla = sla
        } else {
          skipped.append("时限规则无法解析")
        }
      }
    }
    ruleState.set(rules)
    return skipped
  }

  private func saveRuleDocument(
    _ kind: RuleDocument.Kind, key: String, body: String, summary: [String: String], by actor: String, at now: Date
  ) async throws {
    try await db.transaction { tx in
      let sql = try Self.sql(tx)
      let existing = try await sql.select().column("id").from("rule_documents").where("kind", .equal, kind.rawValue)
        .where("key", .equal, key).first(decodingColumn: "id", as: UUID.self)
      let id = existing ?? ids.newID()
      if existing != nil {
        try await sql.update("rule_documents").set("body", to: body).set("updated_at", to: now)
          .set("updated_by", to: actor).where("id", .equal, id).run()
      } else {
        try await sql.insert(into: "rule_documents").columns("id", "kind", "key", "body", "updated_at", "updated_by")
          .values(SQLBind(id), SQLBind(kind.rawValue), SQLBind(key), SQLBind(body), SQLBind(now), SQLBind(actor)).run()
      }
      try await self.record(
        ReferenceChange(entity: kind == .calendar ? "calendar_year" : "sla_rules", id: id, after: summary),
        action: existing == nil ? "create" : "update", by: actor, at: now, on: tx)
    }
    try await reloadRules()
  }

  static func decodingMessage(_ error: any Error) -> String {
    switch error {
    case DecodingError.dataCorrupted(let context): context.debugDescription
    case DecodingError.keyNotFound(let key, _): "缺少字段 \(key.stringValue)"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
      "字段 \(context.codingPath.map(\.stringValue).joined(separator: ".")) 的值不对"
    default: "\(error)"
    }
  }
}
