import FluentKit

struct M0016_CreateMessageSuggestions: AsyncMigration {
  var name: String { "0016_CreateMessageSuggestions" }
  func prepare(on database: any Database) async throws {
    try await database.schema("message_suggestions")
      .field("message_id", .uuid, .required, .references("messages", .id))
      .field("label", .string, .required)
      .field("category_id", .uuid)
      .field("unit_id", .uuid)
      .field("confidence", .double, .required)
      .field("detail", .string, .required)
      .unique(on: "message_id")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("message_suggestions").delete()
  }
}
