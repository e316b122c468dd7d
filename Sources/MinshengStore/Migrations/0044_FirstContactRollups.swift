import FluentKit
import SQLKit

/// The roll-ups count 一次解决 by month too (hotline and mailbox messages received, and those answered
/// directly), so the supervision board no longer counts a month of messages. Every block is computed
/// again: the roll-ups are emptied, and `serve` rebuilds them from the audit chain (on a county's
/// database in seconds; `/metrics` shows the backlog meanwhile).
struct M0044_FirstContactRollups: AsyncMigration {
  var name: String { "0044_FirstContactRollups" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("DELETE FROM rollup_blocks").run()
    try await sql.raw("DELETE FROM rollup_state").run()
  }
  func revert(on database: any Database) async throws {}
}
