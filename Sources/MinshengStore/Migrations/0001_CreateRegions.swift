import FluentKit

struct M0001_CreateRegions: AsyncMigration {
  var name: String { "0001_CreateRegions" }
  func prepare(on database: any Database) async throws {
    try await database.schema("regions")
      .id()
      .field("code", .string, .required)
      .field("name", .string, .required)
      .field("parent_id", .uuid, .references("regions", .id))
      .field("dispatching_unit_id", .uuid)
      .unique(on: "code")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("regions").delete()
  }
}
