import FluentKit
import SQLKit

/// Staff e-mail addresses (where notices are mailed when SMTP is configured), and the outbox by
/// recipient (each member of staff's notices on the workbench).
struct M0026_UpdateStaffAddEmail: AsyncMigration {
  var name: String { "0026_UpdateStaffAddEmail" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE staff_accounts ADD COLUMN email TEXT").run()
    try await sql.create(index: "outbox_recipient").on("outbox").column("recipient").column("created_at").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "outbox_recipient").run()
    try await sql.raw("ALTER TABLE staff_accounts DROP COLUMN email").run()
  }
}
