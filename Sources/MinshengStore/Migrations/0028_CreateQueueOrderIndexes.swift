import FluentKit

/// The queues in the order they are shown: the pool newest first per office and status, the inbox by
/// deadline per unit and status — so a page reads its rows and no more.
struct M0028_CreateQueueOrderIndexes: CreateIndexesMigration {
  var name: String { "0028_CreateQueueOrderIndexes" }
  static let indexes: [(name: String, table: String, columns: [String])] = [
    ("messages_office_status_serial", "messages", ["dispatching_unit_id", "status", "serial_year", "serial_number"]),
    ("messages_lead_status_acceptance", "messages", ["lead_unit_id", "status", "acceptance_due"]),
    ("messages_lead_status_reply", "messages", ["lead_unit_id", "status", "reply_due"]),
  ]
}
