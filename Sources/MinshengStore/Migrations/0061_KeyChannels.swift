import FluentKit
import SQLKit

/// Each partner key is scoped to a channel (the county app, 12345's system, the mailbox …): the
/// messages posted with it carry that channel. Keys issued before were the apps' (`app`).
struct M0061_KeyChannels: AsyncMigration {
  var name: String { "0061_KeyChannels" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE open311_keys ADD COLUMN channel TEXT NOT NULL DEFAULT 'app'").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE open311_keys DROP COLUMN channel").run()
  }
}
