import FluentKit
import SQLKit

/// 汇总: what the public figures and the counts by status are summed from, one row per block of
/// 1,024 serial numbers of a year (the block's figures by board, by lead unit and by status, as
/// JSON, with the place in the audit chain it was computed up to as its revision), and how far in the
/// audit chain the blocks were brought up to date. Empty after the
/// upgrade: `serve` builds them.
///
/// And partial indexes that hold only the rows a page looks for: the supervision notices (so
/// `/overdue` finds the supervised messages without reading every event), the merged messages (so
/// a message's page counts the messages merged into it without reading every message) and the
/// published replies by time (so the home page finds the latest answers without grouping every reply).
struct M0043_Rollups: AsyncMigration {
  var name: String { "0043_Rollups" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw(
      """
      CREATE TABLE rollup_blocks (serial_year INTEGER NOT NULL, block INTEGER NOT NULL,
        revision BIGINT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (serial_year, block))
      """
    ).run()
    try await sql.raw("CREATE TABLE rollup_state (name TEXT PRIMARY KEY, last_seq BIGINT NOT NULL)").run()
    try await sql.raw("CREATE INDEX events_supervised ON events (message_id, at_ms) WHERE action = 'supervise'").run()
    try await sql.raw(
      "CREATE INDEX messages_merged_into ON messages (merged_into_id) WHERE merged_into_id IS NOT NULL"
    ).run()
    try await sql.raw("CREATE INDEX replies_published ON replies (published_at) WHERE state = 'published'").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "replies_published").run()
    try await sql.drop(index: "messages_merged_into").run()
    try await sql.drop(index: "events_supervised").run()
    try await sql.raw("DROP TABLE rollup_state").run()
    try await sql.raw("DROP TABLE rollup_blocks").run()
  }
}
