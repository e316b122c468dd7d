import FluentKit
import SQLKit

/// 补充问题: a category's questions beyond the text (Open311's service attributes), and a message's
/// answers to them, each as JSON (`[ServiceQuestion]`, `[ServiceAnswer]`); null for none.
struct M0063_ServiceQuestions: AsyncMigration {
  var name: String { "0063_ServiceQuestions" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE categories ADD COLUMN questions TEXT").run()
    try await sql.raw("ALTER TABLE messages ADD COLUMN service_answers TEXT").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE messages DROP COLUMN service_answers").run()
    try await sql.raw("ALTER TABLE categories DROP COLUMN questions").run()
  }
}
