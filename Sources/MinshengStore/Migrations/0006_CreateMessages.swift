import FluentKit

struct M0006_CreateMessages: AsyncMigration {
  var name: String { "0006_CreateMessages" }
  func prepare(on database: any Database) async throws {
    try await database.schema("messages")
      .id()
      .field("serial_year", .int, .required)
      .field("serial_number", .int, .required)
      .field("tracking_hash", .string, .required)
      .field("type", .string, .required)
      .field("title", .string, .required)
      .field("body", .string, .required)
      .field("leader_id", .uuid, .references("leaders", .id))
      .field("region_id", .uuid, .references("regions", .id))
      .field("category_id", .uuid, .references("categories", .id))
      .field("channel", .string, .required)
      .field("address", .string)
      .field("latitude", .double)
      .field("longitude", .double)
      .field("contact_name", .string, .required)
      .field("contact_phone", .string, .required)
      .field("contact_email", .string)
      .field("is_public", .bool, .required)
      .field("urgent", .bool, .required)
      .field("status", .string, .required)
      .field("closure", .string)
      .field("dispatching_unit_id", .uuid, .references("units", .id))
      .field("lead_unit_id", .uuid, .references("units", .id))
      .field("reply_needs_review", .bool, .required)
      .field("suggested_unit_id", .uuid, .references("units", .id))
      .field("acceptance_due", .datetime)
      .field("reply_due", .datetime)
      .field("merged_into_id", .uuid, .references("messages", .id))
      .field("version", .int, .required)
      .field("event_count", .int, .required)
      .field("last_event_hash", .string, .required)
      .field("created_at", .datetime, .required)
      .field("updated_at", .datetime, .required)
      .unique(on: "serial_year", "serial_number")
      .unique(on: "tracking_hash")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("messages").delete()
  }
}
