import FluentKit
import SQLKit

/// 获奖署名: how the author of a suggestion is named if it is awarded (`AwardName`), the author's
/// choice; suggestions written before are shortened as on every public page.
struct M0065_AwardNames: AsyncMigration {
  var name: String { "0065_AwardNames" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE proposals ADD COLUMN award_name TEXT NOT NULL DEFAULT 'masked'").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE proposals DROP COLUMN award_name").run()
  }
}
