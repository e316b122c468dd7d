import Foundation
import MinshengCore
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
        reason: .invalid(LocalizedText("error_calendar_upload", ["detail": .text(Self.decodingMessage(error))])))
    }
    guard !ruleState.base.calendar.covers(year.year) else {
      throw ValidationError(
        field: "file", reason: .invalid(LocalizedText("error_calendar_shipped_year", ["year": .number(year.year)])))
    }
    var check = ruleState.base.calendar
    do {
      try check.add(year)
    } catch {
      throw ValidationError(field: "file", reason: .invalid(error.text))
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
      throw ValidationError(
        field: "sla",
        reason: .invalid(LocalizedText("error_sla_unreadable", ["detail": .text(Self.decodingMessage(error))])))
    }
    guard !rules.rules.isEmpty else {
      throw ValidationError(field: "sla", reason: .invalid(LocalizedText("error_sla_empty")))
    }
    try await saveRuleDocument(
      .sla, key: "default", body: String(decoding: json, as: UTF8.self),
      summary: ["version": String(rules.version), "rules": String(rules.rules.count)], by: actor, at: now)
  }

  /// Replaces the SLA rules with `rules` (the administration page's forms, a rule at a time),
  /// checked and recorded as `saveSLA(json:)`; `expected` is the fingerprint of the rules the form was
  /// made from (`slaFingerprint`), so two administrators editing at once cannot overwrite each other.
  public func saveSLA(_ rules: SLAPolicySet, expected: String, by actor: String, at now: Date) async throws {
    guard expected == Self.slaFingerprint(self.rules.sla) else {
      throw ValidationError(field: "sla", reason: .invalid(LocalizedText("error_sla_changed_meanwhile")))
    }
    try await saveSLA(json: Self.encoded(rules), by: actor, at: now)
  }

  /// A short fingerprint of a rule set, for the forms made from it.
  public static func slaFingerprint(_ rules: SLAPolicySet) -> String {
    String(Hashing.sha256Hex(Self.encoded(rules)).prefix(16))
  }

  static func encoded(_ rules: SLAPolicySet) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(rules)) ?? Data()
  }

  /// Adds a holiday to a year that does not ship with Minsheng (a year uploaded or entered before,
  /// or a new one with `source`, where the arrangement was published), checked against the calendar
  /// as an uploaded file is. Returns the year as saved.
  @discardableResult
  public func addHoliday(
    _ holiday: HolidayYear.Holiday, year: Int, source: String, by actor: String, at now: Date
  ) async throws -> HolidayYear {
    var entry = try await enteredYear(year) ?? HolidayYear(year: year, source: "", holidays: [])
    let source = Self.trimmed(source)
    if !source.isEmpty { entry.source = source }
    guard !entry.source.isEmpty else { throw ValidationError(field: "source", reason: .missing) }
    guard !holiday.name.isEmpty else { throw ValidationError(field: "name", reason: .missing) }
    entry.holidays.append(holiday)
    entry.holidays.sort { $0.offFrom < $1.offFrom }
    return try await saveCalendarYear(json: Self.encoded(entry), by: actor, at: now)
  }

  /// Removes the holiday that starts on `offFrom` from a year that does not ship with Minsheng.
  public func removeHoliday(startingOn offFrom: LocalDate, year: Int, by actor: String, at now: Date) async throws {
    guard var entry = try await enteredYear(year), entry.holidays.contains(where: { $0.offFrom == offFrom }) else {
      throw StoreError.notFound(.holiday)
    }
    entry.holidays.removeAll { $0.offFrom == offFrom }
    try await saveCalendarYear(json: Self.encoded(entry), by: actor, at: now)
  }

  /// A year uploaded or entered by an administrator, as stored.
  private func enteredYear(_ year: Int) async throws -> HolidayYear? {
    guard let document = try await ruleDocuments().first(where: { $0.kind == .calendar && $0.key == String(year) })
    else { return nil }
    return try JSONDecoder().decode(HolidayYear.self, from: Data(document.body.utf8))
  }

  static func encoded(_ year: HolidayYear) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(year)) ?? Data()
  }

  /// The uploaded documents, calendars by year, then the SLA rules.
  public func ruleDocuments() async throws -> [RuleDocument] {
    try await reference.ruleDocuments()
  }

  /// Reads the uploaded documents again and puts the rules they make in force: the store's own rules,
  /// each uploaded year added, the uploaded SLA rules in place of the others. A document that no
  /// longer applies (a year since shipped with Minsheng) is skipped and named in the result.
  @discardableResult
  public func reloadRules() async throws -> [LocalizedText] {
    var rules = ruleState.base
    var skipped: [LocalizedText] = []
    for document in try await ruleDocuments() {
      switch document.kind {
      case .calendar:
        do {
          try rules.calendar.add(json: Data(document.body.utf8))
        } catch {
          skipped.append(
            LocalizedText("rules_skipped_calendar", ["year": .plain(document.key), "detail": .text(error.text)]))
        }
      case .sla:
        if let sla = try? JSONDecoder().decode(SLAPolicySet.self, from: Data(document.body.utf8)) {
          rules.sla = sla
        } else {
          skipped.append(LocalizedText("rules_skipped_sla"))
        }
      }
    }
    ruleState.set(rules)
    return skipped
  }

  private func saveRuleDocument(
    _ kind: RuleDocument.Kind, key: String, body: String, summary: [String: String], by actor: String, at now: Date
  ) async throws {
    try await reference.saveRuleDocument(
      kind, key: key, body: body, newID: ids.newID(), by: actor, at: now, summary: summary, changeID: ids.newID())
    try await reloadRules()
  }

  static func decodingMessage(_ error: any Error) -> LocalizedText {
    switch error {
    case DecodingError.dataCorrupted(let context):
      LocalizedText("error_plain", ["text": .plain(context.debugDescription)])
    case DecodingError.keyNotFound(let key, _):
      LocalizedText("error_decoding_missing_field", ["field": .plain(key.stringValue)])
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
      LocalizedText(
        "error_decoding_bad_value", ["field": .plain(context.codingPath.map(\.stringValue).joined(separator: "."))])
    default: LocalizedText("error_plain", ["text": .plain("\(error)")])
    }
  }
}
