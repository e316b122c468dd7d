import FluentKit

struct M0014_CreateStaffSessions: AsyncMigration {
  var name: String { "0014_CreateStaffSessions" }
  func prepare(on database: any Database) async throws {
    try await database.schema("staff_sessions")
      .id()
      .field("account_id", .uuid, .required, .references("staff_accounts", .id))
      .field("session_hash", .string, .required)
      .field("csrf_token", .string, .required)
      .field("created_at", .datetime, .required)
      .field("expires_at", .datetime, .required)
      .unique(on: "session_hash")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("staff_sessions").delete()
  }
}
