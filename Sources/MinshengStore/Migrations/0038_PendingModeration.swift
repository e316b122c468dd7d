import FluentKit
import SQLKit

/// 发布审核: the index of messages by publication held every message, so every intake wrote to it
/// though the moderators only ever ask for the ones waiting (`pending`), a handful at any time.
/// Now it holds only those, by dispatching office and arrival, the order the queue shows them in;
/// with moderation off, an intake does not touch it at all.
struct M0038_PendingModeration: AsyncMigration {
  var name: String { "0038_PendingModeration" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "messages_publication").run()
    try await sql.raw(
      """
      CREATE INDEX messages_pending_moderation ON messages (dispatching_unit_id, created_at)
      WHERE publication = 'pending'
      """
    ).run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "messages_pending_moderation").run()
    try await sql.create(index: "messages_publication").on("messages").column("publication")
      .column("dispatching_unit_id").run()
  }
}
