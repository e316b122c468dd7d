import FluentKit

struct M0007_CreateAssistingUnits: AsyncMigration {
  var name: String { "0007_CreateAssistingUnits" }
  func prepare(on database: any Database) async throws {
    try await database.schema("message_assisting_units")
      .id()
      .field("message_id", .uuid, .required, .references("messages", .id))
      .field("unit_id", .uuid, .required, .references("units", .id))
      .field("position", .int, .required)
      .unique(on: "message_id", "unit_id")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("message_assisting_units").delete()
  }
}
