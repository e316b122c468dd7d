import Foundation
import MinshengCore

/// Runs the shared statements on one database: the one thing the read areas' SQLite and SQL
/// implementations do differently (`SQLiteStatementRunner` on SQLite's query-only connections,
/// `SQLStatementRunner` through SQLKit). Everything else about a read is written once, in the
/// generic implementations below.
protocol StatementRunner: Sendable {
  /// The rows of a statement, decoded.
  func all<Row: Decodable & Sendable>(_ statement: SQLFragment, as type: Row.Type) async throws -> [Row]
  /// The first column of the first row as a whole number (a count); 0 without rows.
  func integer(_ statement: SQLFragment) async throws -> Int
  /// Whether statements may name the index to walk (SQLite's `INDEXED BY`), for the few queries whose
  /// best index SQLite's planner does not pick by itself.
  var indexHints: Bool { get }
}

extension StatementRunner {
  /// Message records as core values, with their assisting units read in one statement per 500.
  func messages(_ records: [MessageRecord]) async throws -> [Message] {
    var assisting: [UUID: [UUID]] = [:]
    var start = 0
    while start < records.count {
      let ids = records[start..<min(start + 500, records.count)].map { StoreValue.uuid($0.id) }
      start += 500
      let statement =
        SQLFragment("SELECT message_id, unit_id FROM message_assisting_units WHERE message_id IN (") + .list(ids)
        + SQLFragment(") ORDER BY position")
      for row in try await all(statement, as: AssistingRow.self) {
        assisting[row.message_id, default: []].append(row.unit_id)
      }
    }
    return try records.map { try $0.core(assisting: assisting[$0.id] ?? []) }
  }

  /// The messages a statement selects (`SELECT * FROM messages …`), as core values.
  func messages(_ statement: SQLFragment) async throws -> [Message] {
    try await messages(all(statement, as: MessageRecord.self))
  }
}

/// A row of `message_assisting_units`.
struct AssistingRow: Decodable, Sendable {
  var message_id: UUID
  var unit_id: UUID
}
