import FluentKit
import SQLKit

/// 发布审核 and the source region: messages received before moderation existed stay published.
struct M0019_UpdateMessagesAddPublication: AsyncMigration {
  var name: String { "0019_UpdateMessagesAddPublication" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    // One column per statement: SQLite adds one column per ALTER TABLE.
    try await sql.raw("ALTER TABLE messages ADD COLUMN publication TEXT NOT NULL DEFAULT 'published'").run()
    try await sql.raw("ALTER TABLE messages ADD COLUMN public_title TEXT").run()
    try await sql.raw("ALTER TABLE messages ADD COLUMN public_body TEXT").run()
    try await sql.raw("ALTER TABLE messages ADD COLUMN source_region TEXT").run()
    try await sql.create(index: "messages_publication").on("messages").column("publication")
      .column("dispatching_unit_id").run()
    try await sql.create(index: "messages_contact_phone").on("messages").column("contact_phone").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "messages_contact_phone").run()
    try await sql.drop(index: "messages_publication").run()
    for column in ["source_region", "public_body", "public_title", "publication"] {
      try await sql.raw("ALTER TABLE messages DROP COLUMN \(unsafeRaw: column)").run()
    }
  }
}
