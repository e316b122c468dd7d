import FluentKit
import SQLKit

/// A new message has no lead unit, no deadlines and (once filed) no pending fingerprint, and the
/// queries that use these indexes always ask for a lead unit, a deadline or a pending fingerprint:
/// so the indexes hold only the rows that have one, and taking a message in writes none of them.
/// (SQLite and PostgreSQL both use a partial index when the query's conditions imply its own.)
struct M0030_PartialIndexes: AsyncMigration {
  var name: String { "0030_PartialIndexes" }
  static let indexes: [(name: String, columns: String, partial: String)] = [
    ("messages_status_acceptance", "status, acceptance_due", "acceptance_due IS NOT NULL"),
    ("messages_status_reply", "status, reply_due", "reply_due IS NOT NULL"),
    ("messages_lead_status_acceptance", "lead_unit_id, status, acceptance_due", "lead_unit_id IS NOT NULL"),
    ("messages_lead_status_reply", "lead_unit_id, status, reply_due", "lead_unit_id IS NOT NULL"),
  ]
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    for index in Self.indexes {
      try await sql.drop(index: index.name).run()
      try await sql.raw(
        "CREATE INDEX \(ident: index.name) ON messages (\(unsafeRaw: index.columns)) WHERE \(unsafeRaw: index.partial)"
      ).run()
    }
    try await sql.drop(index: "messages_fingerprint_pending").run()
    try await sql.raw(
      "CREATE INDEX messages_fingerprint_pending ON messages (created_at, serial_number) WHERE fingerprint_pending = TRUE"
    ).run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "messages_fingerprint_pending").run()
    try await sql.raw("CREATE INDEX messages_fingerprint_pending ON messages (fingerprint_pending)").run()
    for index in Self.indexes.reversed() {
      try await sql.drop(index: index.name).run()
      try await sql.raw("CREATE INDEX \(ident: index.name) ON messages (\(unsafeRaw: index.columns))").run()
    }
  }
}
