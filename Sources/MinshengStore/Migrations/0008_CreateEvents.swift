import FluentKit

struct M0008_CreateEvents: AsyncMigration {
  var name: String { "0008_CreateEvents" }
  func prepare(on database: any Database) async throws {
    try await database.schema("events")
      .id()
      .field("seq", .int64, .required)
      .field("message_id", .uuid, .required, .references("messages", .id))
      .field("message_seq", .int, .required)
      .field("at_ms", .int64, .required)
      .field("actor_role", .string, .required)
      .field("actor_id", .string, .required)
      .field("actor_unit_id", .uuid)
      .field("action", .string, .required)
      .field("from_status", .string)
      .field("to_status", .string, .required)
      .field("visibility", .string, .required)
      .field("note", .string)
      .field("payload", .string, .required)
      .field("message_hash", .string, .required)
      .field("chain_hash", .string, .required)
      .unique(on: "seq")
      .unique(on: "message_id", "message_seq")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("events").delete()
  }
}
