import FluentKit
import SQLKit

/// The global chain's place of an event (`chain_pos`) is kept apart from its sequence number (`seq`).
///
/// On PostgreSQL a transaction no longer claims its place in the global chain (which held one row
/// locked across every commit, so all writers of all instances waited on one fsync at a time): it
/// takes its sequence number from `events_seq` and writes the event with its message's chain only;
/// the sealer links committed events into the global chain shortly after, giving each its place and
/// chain hash (`chain_pos` and `chain_hash` stay empty until then). On SQLite, whose one writer orders
/// every commit, an event is sealed as it is written and its place is its sequence number, as before.
struct M0047_EventSealing: AsyncMigration {
  var name: String { "0047_EventSealing" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE events ADD COLUMN chain_pos BIGINT").run()
    try await sql.raw("UPDATE events SET chain_pos = seq").run()
    try await sql.raw("CREATE UNIQUE INDEX events_chain_pos ON events (chain_pos)").run()
    if sql.dialect.name == "postgresql" {
      try await sql.raw("ALTER TABLE events ALTER COLUMN chain_hash DROP NOT NULL").run()
      try await sql.raw("CREATE INDEX events_unsealed ON events (seq) WHERE chain_pos IS NULL").run()
      try await sql.raw("CREATE SEQUENCE events_seq").run()
      try await sql.raw("SELECT setval('events_seq', (SELECT COALESCE(MAX(seq), 0) + 1 FROM events), false)").run()
    }
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    if sql.dialect.name == "postgresql" {
      try await sql.raw("DROP SEQUENCE events_seq").run()
      try await sql.raw("DROP INDEX events_unsealed").run()
      try await sql.raw("ALTER TABLE events ALTER COLUMN chain_hash SET NOT NULL").run()
    }
    try await sql.drop(index: "events_chain_pos").run()
    try await sql.raw("ALTER TABLE events DROP COLUMN chain_pos").run()
  }
}
