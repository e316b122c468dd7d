import FluentKit
import SQLKit

/// 并单候选: each new message's fingerprint, waiting to be indexed; the band keys of indexed messages;
/// and the candidates found for each, with the dispatcher's decision.
struct M0023_CreateDuplicateTables: AsyncMigration {
  var name: String { "0023_CreateDuplicateTables" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE messages ADD COLUMN fingerprint TEXT").run()
    try await sql.raw("ALTER TABLE messages ADD COLUMN fingerprint_pending BOOLEAN NOT NULL DEFAULT FALSE").run()
    try await sql.create(index: "messages_fingerprint_pending").on("messages").column("fingerprint_pending").run()
    try await database.schema("message_bands")
      .field("band_key", .int64, .required)
      .field("message_id", .uuid, .required, .references("messages", .id))
      .create()
    try await sql.create(index: "message_bands_key").on("message_bands").column("band_key").run()
    try await database.schema("duplicate_candidates")
      .field("message_id", .uuid, .required, .references("messages", .id))
      .field("candidate_id", .uuid, .required, .references("messages", .id))
      .field("similarity", .double, .required)
      .field("state", .string, .required)
      .field("decided_by", .string)
      .field("decided_at", .datetime)
      .unique(on: "message_id", "candidate_id")
      .create()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await database.schema("duplicate_candidates").delete()
    try await database.schema("message_bands").delete()
    try await sql.drop(index: "messages_fingerprint_pending").run()
    try await sql.raw("ALTER TABLE messages DROP COLUMN fingerprint_pending").run()
    try await sql.raw("ALTER TABLE messages DROP COLUMN fingerprint").run()
  }
}
