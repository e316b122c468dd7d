import FluentKit
import SQLKit

/// A partner key may be trusted to assert that its user's mobile number is proved (a mini-program's
/// own phone authorisation, 12345's caller line), so the message is listed in 我的留言. Keys issued
/// before are not.
struct M0064_KeysVerifyPhones: AsyncMigration {
  var name: String { "0064_KeysVerifyPhones" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE open311_keys ADD COLUMN verifies_phones BOOLEAN NOT NULL DEFAULT false").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE open311_keys DROP COLUMN verifies_phones").run()
  }
}
