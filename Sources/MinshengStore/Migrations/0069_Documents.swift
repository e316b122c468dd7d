import FluentKit
import SQLKit

/// Document files published with a suggestion's adoption step (the policy as issued) or a campaign
/// (its notice, a form): PDF, JPEG or PNG by content, kept in the database as the photos are.
struct M0069_Documents: AsyncMigration {
  var name: String { "0069_Documents" }
  func prepare(on database: any Database) async throws {
    try await database.schema("documents")
      .id()
      .field("owner_kind", .string, .required)
      .field("owner_id", .uuid, .required)
      .field("file_name", .string, .required)
      .field("content_type", .string, .required)
      .field("byte_count", .int, .required)
      .field("sha256", .string, .required)
      .field("data", .data, .required)
      .field("created_at", .datetime, .required)
      .create()
    let sql = try MigrationSQL.of(database)
    try await sql.create(index: "documents_owner").on("documents").column("owner_id").column("created_at").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "documents_owner").run()
    try await database.schema("documents").delete()
  }
}
