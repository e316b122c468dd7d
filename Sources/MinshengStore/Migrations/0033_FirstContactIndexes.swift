import FluentKit
import SQLKit

/// 一次解决率 counts the month's calls and letters and those answered on the spot: these partial
/// indexes hold only such messages and such events, so the figure reads them and nothing else
/// (without them, a month of 100,000 messages took 200 ms), and web intake writes neither.
struct M0033_FirstContactIndexes: AsyncMigration {
  var name: String { "0033_FirstContactIndexes" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw(
      """
      CREATE INDEX messages_first_contact ON messages (created_at, dispatching_unit_id)
      WHERE channel IN ('hotline', 'mailbox')
      """
    ).run()
    try await sql.raw(
      "CREATE INDEX events_answered_directly ON events (message_id) WHERE action = 'answer_directly'"
    ).run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "events_answered_directly").run()
    try await sql.drop(index: "messages_first_contact").run()
  }
}
