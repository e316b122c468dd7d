import FluentKit

struct M0015_CreateReferenceChanges: AsyncMigration {
  var name: String { "0015_CreateReferenceChanges" }
  func prepare(on database: any Database) async throws {
    try await database.schema("reference_changes")
      .id()
      .field("at", .datetime, .required)
      .field("actor_id", .string, .required)
      .field("entity", .string, .required)
      .field("entity_id", .uuid, .required)
      .field("action", .string, .required)
      .field("after", .string, .required)
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("reference_changes").delete()
  }
}
