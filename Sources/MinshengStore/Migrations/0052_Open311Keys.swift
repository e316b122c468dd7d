import FluentKit

/// Open311 API keys (`api_key` of `POST requests`): each a partner system's, kept as its SHA-256 only,
/// revoked rather than deleted so that its history stays. Issued and revoked by administrators, each
/// change recorded in `reference_changes`.
struct M0052_Open311Keys: AsyncMigration {
  var name: String { "0052_Open311Keys" }
  func prepare(on database: any Database) async throws {
    try await database.schema("open311_keys")
      .id()
      .field("name", .string, .required)
      .field("key_hash", .string, .required)
      .field("created_at", .datetime, .required)
      .field("revoked_at", .datetime)
      .unique(on: "key_hash")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("open311_keys").delete()
  }
}
