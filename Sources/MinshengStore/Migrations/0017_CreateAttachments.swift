import FluentKit

struct M0017_CreateAttachments: AsyncMigration {
  var name: String { "0017_CreateAttachments" }
  func prepare(on database: any Database) async throws {
    try await database.schema("attachments")
      .id()
      .field("message_id", .uuid, .required, .references("messages", .id))
      .field("position", .int, .required)
      .field("content_type", .string, .required)
      .field("byte_count", .int, .required)
      .field("sha256", .string, .required)
      .field("data", .data, .required)
      .field("created_at", .datetime, .required)
      .unique(on: "message_id", "position")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("attachments").delete()
  }
}
