import FluentKit

struct M0010_CreateEvaluations: AsyncMigration {
  var name: String { "0010_CreateEvaluations" }
  func prepare(on database: any Database) async throws {
    try await database.schema("evaluations")
      .id()
      .field("message_id", .uuid, .required, .references("messages", .id))
      .field("resolution", .int, .required)
      .field("attitude", .int, .required)
      .field("speed", .int, .required)
      .field("level", .string, .required)
      .field("comment", .string)
      .field("created_at", .datetime, .required)
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("evaluations").delete()
  }
}
