import FluentKit

struct M0013_CreateAccessTokens: AsyncMigration {
  var name: String { "0013_CreateAccessTokens" }
  func prepare(on database: any Database) async throws {
    try await database.schema("access_tokens")
      .id()
      .field("account_id", .uuid, .required, .references("staff_accounts", .id))
      .field("token_hash", .string, .required)
      .field("created_at", .datetime, .required)
      .field("expires_at", .datetime, .required)
      .unique(on: "token_hash")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("access_tokens").delete()
  }
}
