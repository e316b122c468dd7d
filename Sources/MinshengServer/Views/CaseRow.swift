import Foundation
import LeafKit
import MinshengCore
import MinshengStore

/// One case in a queue: enough to decide what to open first.
struct CaseRow: Encodable, Sendable, LeafDataRepresentable {
  var id: String
  var url: String
  var serial: String
  var title: String
  var status: String
  var statusClass: String
  var urgent: Bool
  var unit: String
  /// The channel, when it is not the web form (热线电话, 信件, 社交媒体, 导入 …).
  var channel: String
  var created: String
  var due: String
  /// `ok` (green), `soon` (amber: less than one working day left), `late` (red), or empty.
  var dueClass: String
  var timeLeft: String
  var hint: String
  /// The deadline as seconds since 1970, for ordering (no deadline sorts last).
  var dueSort: Double
  /// In the pool: how long a new message has waited for 交办, against the dispatch limit.
  var waited = ""
  var waitLate = false

  init(
    _ message: CaseSummary, names: ReferenceNames, language: Language, now: Date, calendar: WorkingCalendar,
    hint: String = "", dispatchLimit: SLADuration? = nil
  ) {
    id = message.id.uuidString.lowercased()
    url = SiteURL.staff(.message(.value(message.id))).path
    serial = message.serial.description
    title = message.title
    status = language.name(message.status)
    statusClass = message.status.rawValue
    urgent = message.urgent
    unit = message.leadUnitID.flatMap { names.units[$0]?.name } ?? ""
    channel = message.channel == .web ? "" : language.name(message.channel)
    created = language.dateTime(message.createdAt)
    let deadline = DeadlineStatus.of(message, at: now, calendar: calendar)
    due = deadline.due.map { language.text("queue_due", ["due": .plain(language.deadline($0))]) } ?? ""
    dueClass = Self.dueClass(deadline)
    timeLeft = language.timeLeft(deadline) ?? ""
    self.hint = hint
    dueSort = deadline.due?.timeIntervalSince1970 ?? .greatestFiniteMagnitude
    if let dispatchLimit {
      let due = dispatchLimit.deadline(after: message.createdAt, in: calendar)
      waitLate = now > due
      waited = language.text(
        waitLate ? "queue_waited_late" : "queue_waited",
        [
          "time": .plain(language.duration(hours: max(0, now.timeIntervalSince(message.createdAt)) / 3600)),
          "limit": .plain(language.duration(dispatchLimit)),
        ])
      dueClass = waitLate ? "late" : "ok"
    }
  }

  /// What the template shows, handed to Leaf as it is (queue pages render hundreds of rows, and
  /// Leaf's general encoder was a twentieth of their time). Optional parts come with a flag that is
  /// there only when true, tested with `#if(row.hasDue):`: Leaf turns a text into a truth value by
  /// building a set of all its conversions each time, which was a tenth of a queue page's time; a
  /// flag is already one, and a missing key is false at once. (`dueSort` is for sorting here only.)
  var leafData: LeafData {
    var row: [String: LeafData] = [
      "id": .string(id), "url": .string(url), "serial": .string(serial), "title": .string(title),
      "status": .string(status),
      "statusClass": .string(statusClass), "urgent": .bool(urgent), "created": .string(created),
      "dueClass": .string(dueClass),
    ]
    // The deadline and the time left come together: both exist exactly when a unit's clock runs.
    if !due.isEmpty {
      row["hasDue"] = .bool(true)
      row["due"] = .string(due)
      row["timeLeft"] = .string(timeLeft)
    }
    if !unit.isEmpty {
      row["hasUnit"] = .bool(true)
      row["unit"] = .string(unit)
    }
    if !channel.isEmpty {
      row["hasChannel"] = .bool(true)
      row["channel"] = .string(channel)
    }
    if !hint.isEmpty {
      row["hasHint"] = .bool(true)
      row["hint"] = .string(hint)
    }
    if !waited.isEmpty {
      row["hasWait"] = .bool(true)
      row["waited"] = .string(waited)
      if waitLate { row["waitLate"] = .bool(true) }
    }
    return .dictionary(row)
  }

  static func dueClass(_ deadline: DeadlineStatus) -> String {
    guard deadline.due != nil else { return "" }
    if deadline.isOverdue { return "late" }
    return deadline.isDueSoon ? "soon" : "ok"
  }
}
