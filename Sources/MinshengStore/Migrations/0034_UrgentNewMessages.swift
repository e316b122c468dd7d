import FluentKit
import SQLKit

/// 急事急办: the pool lists new urgent messages before every other new message, however old. This
/// partial index holds only those (few at any time), so they are read first without sorting the
/// office's whole queue; a message leaves it when it is dispatched or no longer urgent.
struct M0034_UrgentNewMessages: AsyncMigration {
  var name: String { "0034_UrgentNewMessages" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw(
      """
      CREATE INDEX messages_urgent_new ON messages (dispatching_unit_id, serial_year, serial_number)
      WHERE urgent = TRUE AND status = 'received'
      """
    ).run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "messages_urgent_new").run()
  }
}
