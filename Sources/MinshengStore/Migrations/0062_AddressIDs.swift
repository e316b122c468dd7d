import FluentKit
import SQLKit

/// A message's location keeps the id a partner gave for its address in a master address list
/// (Open311's `address_id`) apart from the address text.
struct M0062_AddressIDs: AsyncMigration {
  var name: String { "0062_AddressIDs" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE messages ADD COLUMN address_id TEXT").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE messages DROP COLUMN address_id").run()
  }
}
