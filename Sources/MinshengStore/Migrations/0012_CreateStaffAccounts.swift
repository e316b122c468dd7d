import FluentKit

struct M0012_CreateStaffAccounts: AsyncMigration {
  var name: String { "0012_CreateStaffAccounts" }
  func prepare(on database: any Database) async throws {
    try await database.schema("staff_accounts")
      .id()
      .field("username", .string, .required)
      .field("password_hash", .string, .required)
      .field("role", .string, .required)
      .field("unit_id", .uuid, .references("units", .id))
      .field("disabled", .bool, .required)
      .field("failed_logins", .int, .required)
      .field("locked_until", .datetime)
      .field("created_at", .datetime, .required)
      .unique(on: "username")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("staff_accounts").delete()
  }
}
