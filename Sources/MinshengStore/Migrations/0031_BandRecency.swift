import FluentKit
import SQLKit

/// Each band key's postings in time order, so that duplicate indexing reads the latest few messages
/// of a band rather than every message that ever had it: a complaint written from one template
/// thousands of times would otherwise make each new message read thousands of rows.
struct M0031_BandRecency: AsyncMigration {
  var name: String { "0031_BandRecency" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await database.schema("message_bands").field("created_at", .datetime).update()
    try await sql.raw(
      """
      UPDATE message_bands SET created_at = (SELECT m.created_at FROM messages m WHERE m.id = message_bands.message_id)
      """
    ).run()
    try await sql.drop(index: "message_bands_key").run()
    try await sql.create(index: "message_bands_key_time").on("message_bands").column("band_key").column("created_at")
      .run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "message_bands_key_time").run()
    try await sql.create(index: "message_bands_key").on("message_bands").column("band_key").run()
    try await database.schema("message_bands").deleteField("created_at").update()
  }
}
