import FluentKit

/// 答复附图: a reply's photos are attachments of its message that name the reply; the message's own
/// images are those that name none.
struct M0041_ReplyImages: AsyncMigration {
  var name: String { "0041_ReplyImages" }
  func prepare(on database: any Database) async throws {
    try await database.schema("attachments").field("reply_id", .uuid).update()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("attachments").deleteField("reply_id").update()
  }
}
