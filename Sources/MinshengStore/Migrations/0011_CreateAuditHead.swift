import FluentKit
import SQLKit

struct M0011_CreateAuditHead: AsyncMigration {
  var name: String { "0011_CreateAuditHead" }
  func prepare(on database: any Database) async throws {
    try await database.schema("audit_head")
      .id()
      .field("last_seq", .int64, .required)
      .create()
    try await MigrationSQL.of(database).raw(
      "INSERT INTO audit_head (id, last_seq) VALUES ('00000000-0000-0000-0000-000000000001', 0)"
    ).run()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("audit_head").delete()
  }
}
