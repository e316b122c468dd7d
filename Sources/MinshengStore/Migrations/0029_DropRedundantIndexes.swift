import FluentKit
import SQLKit

/// Two of 0027's indexes are the leading columns of two of 0028's, which serve the same queries:
/// every message written paid for both.
struct M0029_DropRedundantIndexes: AsyncMigration {
  var name: String { "0029_DropRedundantIndexes" }
  static let dropped: [(name: String, columns: [String])] = [
    ("messages_lead_status", ["lead_unit_id", "status"]),
    ("messages_office_status", ["dispatching_unit_id", "status"]),
  ]
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    for index in Self.dropped { try await sql.drop(index: index.name).run() }
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    for index in Self.dropped.reversed() {
      let create = sql.create(index: index.name).on("messages")
      for column in index.columns { _ = create.column(column) }
      try await create.run()
    }
  }
}
