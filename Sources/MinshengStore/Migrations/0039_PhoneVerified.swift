import FluentKit
import SQLKit

/// 号码核验: whether a message's mobile number was proved (a one-time code, or an operator who took
/// the call). Only proved messages are listed in 我的留言. Messages from before are counted as proved:
/// they were listed so far, and which of them came through the API cannot be told now.
struct M0039_PhoneVerified: AsyncMigration {
  var name: String { "0039_PhoneVerified" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE messages ADD COLUMN phone_verified BOOLEAN NOT NULL DEFAULT FALSE").run()
    try await sql.raw("UPDATE messages SET phone_verified = TRUE").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE messages DROP COLUMN phone_verified").run()
  }
}
