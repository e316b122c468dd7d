import FluentKit
import SQLKit

/// 感谢信 without a case of the author's own (the 领导留言板's 感谢 type): a letter to a unit from a
/// proved mobile number (kept as a keyed hash), published at once or after a moderator's decision.
struct M0058_ThanksNotes: AsyncMigration {
  var name: String { "0058_ThanksNotes" }
  func prepare(on database: any Database) async throws {
    try await database.schema("thanks_notes")
      .id()
      .field("unit_id", .uuid, .required)
      .field("author", .string, .required)
      .field("body", .string, .required)
      .field("phone_hash", .string, .required)
      .field("publication", .string, .required)
      .field("created_at", .datetime, .required)
      .field("decided_at", .datetime)
      .field("decided_by", .string)
      .field("reason", .string)
      .create()
    let sql = try MigrationSQL.of(database)
    try await sql.create(index: "thanks_notes_publication").on("thanks_notes").column("publication").column(
      "created_at"
    )
    .run()
    try await sql.create(index: "thanks_notes_unit").on("thanks_notes").column("unit_id").column("created_at").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "thanks_notes_unit").run()
    try await sql.drop(index: "thanks_notes_publication").run()
    try await database.schema("thanks_notes").delete()
  }
}
