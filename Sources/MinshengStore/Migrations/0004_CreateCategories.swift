import FluentKit

struct M0004_CreateCategories: AsyncMigration {
  var name: String { "0004_CreateCategories" }
  func prepare(on database: any Database) async throws {
    try await database.schema("categories")
      .id()
      .field("code", .string, .required)
      .field("name", .string, .required)
      .field("parent_id", .uuid, .references("categories", .id))
      .unique(on: "code")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("categories").delete()
  }
}
