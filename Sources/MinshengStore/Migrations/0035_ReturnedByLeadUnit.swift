import FluentKit
import SQLKit

/// 办件箱: a unit's returned cases (waiting for the dispatcher's decision) are listed oldest first.
/// The lead-unit indexes are ordered by deadline, which a returned case does not run, so without this
/// partial index every returned case of the unit was read and sorted for each page; new messages,
/// never returned, do not touch it.
struct M0035_ReturnedByLeadUnit: AsyncMigration {
  var name: String { "0035_ReturnedByLeadUnit" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw(
      """
      CREATE INDEX messages_lead_returned ON messages (lead_unit_id, created_at)
      WHERE status = 'returned'
      """
    ).run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "messages_lead_returned").run()
  }
}
