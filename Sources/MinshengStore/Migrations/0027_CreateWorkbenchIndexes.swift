import FluentKit

/// The workbench's queries by unit, status and deadline, and the periods of the figures: with
/// 100,000 messages each of them would otherwise read the whole table.
struct M0027_CreateWorkbenchIndexes: CreateIndexesMigration {
  var name: String { "0027_CreateWorkbenchIndexes" }
  static let indexes: [(name: String, table: String, columns: [String])] = [
    ("messages_lead_status", "messages", ["lead_unit_id", "status"]),
    ("messages_office_status", "messages", ["dispatching_unit_id", "status"]),
    ("messages_status_acceptance", "messages", ["status", "acceptance_due"]),
    ("messages_status_reply", "messages", ["status", "reply_due"]),
    ("messages_created", "messages", ["created_at"]),
    ("assisting_units_unit", "message_assisting_units", ["unit_id"]),
  ]
}
