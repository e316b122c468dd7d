import Foundation
import MinshengCore

// How the queues are ordered and cut into pages, decided once for both implementations: they differ
// only in how they run the statements.

/// A page's bounds: `limit` rows after `offset`, each clamped.
struct QueueWindowBounds: Sendable {
  var limit: Int
  var offset: Int

  init(limit: Int, offset: Int, maximum: Int = 500) {
    self.limit = max(1, min(limit, maximum))
    self.offset = max(0, min(offset, 100_000))
  }

  /// How many rows a walk must read to fill the page.
  var end: Int { offset + limit }
}

/// 督办台: the open cases whose unit clock runs, by the deadline that runs.
enum DueQueue {
  /// The statuses in which a unit's clock runs.
  static let statuses: [Status] = [.assigned, .accepted, .extensionRequested, .reviewing]

  /// The deadline column that runs in a status: acceptance while assigned, reply otherwise.
  static func column(for status: Status) -> String {
    status == .assigned ? "acceptance_due" : "reply_due"
  }

  static func deadline<Record: QueueRecord>(of record: Record, status: Status) -> Date {
    (status == .assigned ? record.acceptanceDue : record.replyDue) ?? .distantPast
  }

  /// The statuses' walks merged by deadline, then serial, and cut to the page.
  static func page<Record: QueueRecord>(
    _ found: [(due: Date, record: Record)], _ window: QueueWindowBounds
  )
    -> [Record]
  {
    found.sorted { ($0.due, $0.record.serialNumber) < ($1.due, $1.record.serialNumber) }
      .dropFirst(window.offset).prefix(window.limit).map(\.record)
  }
}

/// 交办池 and 办件箱: which index a status is walked by.
enum CaseQueue {
  /// New urgent messages, as written in the partial index of migration 0034 and in the queries that
  /// use it (the literal condition lets PostgreSQL's generic plans use the index too).
  static let urgentNew = "urgent = TRUE AND status = 'received'"
  static let otherNew = "urgent = FALSE AND status = 'received'"

  /// Returned cases, as written in the partial index of migration 0035.
  static let returned = "status = 'returned'"

  /// The messages waiting for a moderator, as written in the partial index of migration 0038.
  static let pendingModeration = "publication = 'pending'"

  /// The channels of first contact (calls and letters), as the partial indexes of 0033 and 0036 have it.
  static let firstContactChannels = "channel IN ('hotline', 'mailbox')"

  /// The parts a pool status is read in: new messages urgent first (a partial index), then the others;
  /// every other status in one part (`nil`: the status as a bound value).
  static func poolParts(_ status: Status) -> [(condition: String?, first: Bool)] {
    status == .received ? [(urgentNew, true), (otherNew, false)] : [(nil, false)]
  }

  /// The order of a lead unit's cases in a status: by the deadline that runs, by arrival without one.
  static func inboxColumn(_ status: Status) -> String {
    switch status {
    case .assigned: "acceptance_due"
    case .accepted, .extensionRequested, .reviewing: "reply_due"
    default: "created_at"
    }
  }

  /// The open statuses, for the assisting units' queue.
  static let openStatuses = Status.allCases.filter(\.isOpen).map(\.rawValue)
}
