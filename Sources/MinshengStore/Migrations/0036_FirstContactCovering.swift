import FluentKit
import SQLKit

/// 一次解决率: the month's calls and letters are counted from the index of 0033 alone. That index did
/// not hold the channel, so SQLite read every one of the month's rows again to check it (thousands
/// of row reads on each supervision board and intake page by the end of a month).
struct M0036_FirstContactCovering: AsyncMigration {
  var name: String { "0036_FirstContactCovering" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "messages_first_contact").run()
    try await sql.raw(
      """
      CREATE INDEX messages_first_contact ON messages (created_at, dispatching_unit_id, channel)
      WHERE channel IN ('hotline', 'mailbox')
      """
    ).run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "messages_first_contact").run()
    try await sql.raw(
      """
      CREATE INDEX messages_first_contact ON messages (created_at, dispatching_unit_id)
      WHERE channel IN ('hotline', 'mailbox')
      """
    ).run()
  }
}
