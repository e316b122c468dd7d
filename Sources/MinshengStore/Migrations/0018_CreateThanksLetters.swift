import FluentKit

struct M0018_CreateThanksLetters: AsyncMigration {
  var name: String { "0018_CreateThanksLetters" }
  func prepare(on database: any Database) async throws {
    try await database.schema("thanks_letters")
      .id()
      .field("message_id", .uuid, .required, .references("messages", .id))
      .field("unit_id", .uuid, .references("units", .id))
      .field("author", .string, .required)
      .field("body", .string, .required)
      .field("created_at", .datetime, .required)
      .unique(on: "message_id")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("thanks_letters").delete()
  }
}
