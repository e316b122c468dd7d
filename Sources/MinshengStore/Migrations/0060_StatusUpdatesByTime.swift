import FluentKit
import SQLKit

/// Open311's update extension lists the public status changes of a span of time: an index of those
/// events by time, holding only them.
struct M0060_StatusUpdatesByTime: AsyncMigration {
  var name: String { "0060_StatusUpdatesByTime" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw(
      """
      CREATE INDEX events_status_changes ON events (at_ms)
      WHERE visibility = 'public' AND (from_status IS NULL OR from_status <> to_status)
      """
    ).run()
  }
  func revert(on database: any Database) async throws {
    try await MigrationSQL.of(database).drop(index: "events_status_changes").run()
  }
}
