import FluentKit

struct M0005_CreateRoutingRules: AsyncMigration {
  var name: String { "0005_CreateRoutingRules" }
  func prepare(on database: any Database) async throws {
    try await database.schema("routing_rules")
      .id()
      .field("category_id", .uuid, .required, .references("categories", .id))
      .field("region_code", .string)
      .field("unit_id", .uuid, .required, .references("units", .id))
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("routing_rules").delete()
  }
}
