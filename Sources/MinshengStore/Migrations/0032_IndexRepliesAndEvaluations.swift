import FluentKit

/// Every case page and every public message page reads the message's replies (published and
/// draft) and its evaluation: without these indexes each read went through the whole table.
struct M0032_IndexRepliesAndEvaluations: CreateIndexesMigration {
  var name: String { "0032_IndexRepliesAndEvaluations" }
  static let indexes: [(name: String, table: String, columns: [String])] = [
    ("replies_message_state", "replies", ["message_id", "state"]),
    ("evaluations_message", "evaluations", ["message_id"]),
  ]
}
