import FluentKit
import SQLKit

/// 评价申诉: the supervision board lists the appeals waiting for a decision, read through the few
/// events that are appeals (a partial index: no other event writes to it).
struct M0051_RatingAppeals: AsyncMigration {
  var name: String { "0051_RatingAppeals" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw(
      "CREATE INDEX events_rating_appeals ON events (at_ms, message_id, message_seq) WHERE action = 'rating_appealed'"
    ).run()
  }
  func revert(on database: any Database) async throws {
    try await MigrationSQL.of(database).drop(index: "events_rating_appeals").run()
  }
}
