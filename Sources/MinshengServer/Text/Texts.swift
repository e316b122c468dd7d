import Foundation
import LeafKit
import MinshengCore

// The pages' words come from the catalogue (MinshengCore/Localization); this file only formats values
// in a language: dates, deadlines, durations, shares.

extension Language {
  /// The language's catalogue.
  var catalogue: Catalogue { Catalogue.of(self) }

  /// One text of the catalogue, its placeholders filled in.
  func text(_ key: String, _ arguments: [String: LocalizedText.Argument] = [:]) -> String {
    catalogue(key, arguments)
  }

  /// A catalogue text in this language.
  func text(_ text: LocalizedText) -> String { catalogue.text(text) }

  /// A status, an action, a role, a type … in this language.
  func name(_ value: some Named) -> String { catalogue(value.nameKey) }

  /// A message's status as the public reads it: a closed one withdrawn by its author reads 已撤回.
  func statusName(_ status: Status, closure: Closure?) -> String {
    status == .closed && closure == .withdrawn ? text("status_withdrawn") : name(status)
  }

  /// How long is left on a running deadline, or how far past it: 还剩 3 个工作日, 已超期 2 天.
  func timeLeft(_ deadline: DeadlineStatus) -> String? {
    guard deadline.phase != .none, deadline.due != nil else { return nil }
    if deadline.isOverdue { return text("time_overdue", ["days": .number(max(deadline.daysOverdue, 1))]) }
    if deadline.workingDaysLeft <= 0 { return text("time_due_today") }
    return text(
      deadline.workingDaysLeft == 1 ? "time_left_one" : "time_left", ["days": .number(deadline.workingDaysLeft)])
  }

  /// A date and time in Beijing time: 2026年12月1日 14:30 / 2026-12-01 14:30.
  func dateTime(_ date: Date) -> String {
    let t = BeijingTime(date)
    return self.date(t) + " " + Self.twoDigits(t.hour) + ":" + Self.twoDigits(t.minute)
  }

  /// A deadline: one at midnight is the end of the day before (2026年12月22日), others with the time.
  func deadline(_ due: Date) -> String {
    let t = BeijingTime(due)
    if t.hour == 0, t.minute == 0, t.second == 0 { return date(due.addingTimeInterval(-1)) }
    return dateTime(due)
  }

  /// A date in Beijing time: 2026年12月1日 / 2026-12-01.
  func date(_ date: Date) -> String { self.date(BeijingTime(date)) }

  private func date(_ t: BeijingTime) -> String {
    Catalogue.of(self).text("date_long") { name in
      switch name {
      case "year": String(t.year)
      case "month": String(t.month)
      case "day": String(t.day)
      case "iso": "\(t.year)-" + Self.twoDigits(t.month) + "-" + Self.twoDigits(t.day)
      default: nil
      }
    }
  }

  private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

  /// Hours as the figures show them: 36 小时, 2.5 天.
  func duration(hours: Double?) -> String {
    guard let hours else { return "—" }
    if hours < 48 { return text("duration_hours", ["n": .number(Int(hours.rounded()))]) }
    let days = (hours / 24 * 10).rounded() / 10
    return text("duration_days", ["n": .plain(days.formatted(.number))])
  }

  /// An SLA duration in words: 5 个工作日, 2 小时, 3 天.
  func duration(_ duration: SLADuration) -> String {
    switch duration {
    case .workingDays(let n): text("duration_working_days", ["n": .number(n)])
    case .days(let n): text("duration_days", ["n": .number(n)])
    case .hours(let n): text("duration_hours", ["n": .number(n)])
    }
  }

  /// A share as a percentage, or a dash when there is nothing to count.
  func percent(_ value: Double?) -> String {
    guard let value else { return "—" }
    return "\(Int((value * 100).rounded()))%"
  }

  /// The words of a list joined as the language joins them (、 / , ).
  func list(_ items: [String]) -> String { items.joined(separator: text("list_separator")) }
}

/// The catalogue of a language as Leaf reads it (`#(t.key)`), converted once: every page carries it.
enum TextTable {
  private static let tables: [Language: LeafData] = Dictionary(
    uniqueKeysWithValues: Language.allCases.map { language in
      (language, LeafData.dictionary(language.catalogue.entries.mapValues { LeafData.string($0) }))
    })

  static func leafData(_ language: Language) -> LeafData { tables[language] ?? .dictionary([:]) }
}
