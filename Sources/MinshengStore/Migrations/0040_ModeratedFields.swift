import FluentKit
import SQLKit

/// 发布审核 of every public field: a moderator may publish a message with its address replaced (a
/// street instead of a door) or without one, and keep any of its images from the public; the
/// originals stay for the author and the units that handle it.
struct M0040_ModeratedFields: AsyncMigration {
  var name: String { "0040_ModeratedFields" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE messages ADD COLUMN public_address TEXT").run()
    try await sql.raw("ALTER TABLE attachments ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT FALSE").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE attachments DROP COLUMN hidden").run()
    try await sql.raw("ALTER TABLE messages DROP COLUMN public_address").run()
  }
}
