import FluentKit

struct M0009_CreateReplies: AsyncMigration {
  var name: String { "0009_CreateReplies" }
  func prepare(on database: any Database) async throws {
    try await database.schema("replies")
      .id()
      .field("message_id", .uuid, .required, .references("messages", .id))
      .field("unit_id", .uuid, .required, .references("units", .id))
      .field("body", .string, .required)
      .field("state", .string, .required)
      .field("created_at", .datetime, .required)
      .field("published_at", .datetime)
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("replies").delete()
  }
}
