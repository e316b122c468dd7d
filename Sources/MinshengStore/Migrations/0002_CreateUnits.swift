import FluentKit

struct M0002_CreateUnits: AsyncMigration {
  var name: String { "0002_CreateUnits" }
  func prepare(on database: any Database) async throws {
    try await database.schema("units")
      .id()
      .field("code", .string, .required)
      .field("name", .string, .required)
      .field("region_id", .uuid, .required, .references("regions", .id))
      .field("requires_reply_review", .bool, .required)
      .unique(on: "code")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("units").delete()
  }
}
