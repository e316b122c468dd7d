import FluentKit
import SQLKit

/// A staff notice (催办, 督办) names the case it is about, so that the unit's inbox links to it.
struct M0048_NoticeCase: AsyncMigration {
  var name: String { "0048_NoticeCase" }
  func prepare(on database: any Database) async throws {
    try await database.schema("outbox").field("message_id", .uuid).update()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("outbox").deleteField("message_id").update()
  }
}
