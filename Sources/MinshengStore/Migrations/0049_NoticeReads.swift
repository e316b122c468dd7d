import FluentKit
import SQLKit

/// 已读: which staff member has read which notice. A unit's notice is one row for all its staff, so
/// each reader marks it read for themselves.
struct M0049_NoticeReads: AsyncMigration {
  var name: String { "0049_NoticeReads" }
  func prepare(on database: any Database) async throws {
    try await database.schema("notice_reads")
      .field("outbox_id", .uuid, .required)
      .field("username", .string, .required)
      .field("read_at", .datetime, .required)
      .compositeIdentifier(over: "outbox_id", "username")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("notice_reads").delete()
  }
}
