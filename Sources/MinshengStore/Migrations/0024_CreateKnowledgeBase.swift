import FluentKit

/// 知识库: approved answers and reply templates that staff search from the reply editor.
struct M0024_CreateKnowledgeBase: AsyncMigration {
  var name: String { "0024_CreateKnowledgeBase" }
  func prepare(on database: any Database) async throws {
    try await database.schema("knowledge_entries")
      .id()
      .field("kind", .string, .required)
      .field("title", .string, .required)
      .field("body", .string, .required)
      .field("category_id", .uuid, .references("categories", .id))
      .field("updated_at", .datetime, .required)
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("knowledge_entries").delete()
  }
}
