import FluentKit

struct M0003_CreateLeaders: AsyncMigration {
  var name: String { "0003_CreateLeaders" }
  func prepare(on database: any Database) async throws {
    try await database.schema("leaders")
      .id()
      .field("code", .string, .required)
      .field("title", .string, .required)
      .field("region_id", .uuid, .required, .references("regions", .id))
      .field("dispatching_unit_id", .uuid, .references("units", .id))
      .unique(on: "code")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("leaders").delete()
  }
}
