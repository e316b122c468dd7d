import FluentKit
import SQLKit

// What the migrations share: each migration is one file, written with literals only (table names,
// conditions, ids), so that editing live code never changes a released migration
// (MigrationHistoryTests checks the schema each one leaves).

/// The database of a migration as SQLKit sees it.
enum MigrationSQL {
  static func of(_ database: any Database) throws -> any SQLDatabase {
    guard let sql = database as? any SQLDatabase else { throw MigrationError.notSQL }
    return sql
  }
}

/// A migration that cannot run on this database.
enum MigrationError: Error {
  case notSQL
}

/// A migration that creates plain indexes, and drops them when reverted.
protocol CreateIndexesMigration: AsyncMigration {
  static var indexes: [(name: String, table: String, columns: [String])] { get }
}

extension CreateIndexesMigration {
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    for index in Self.indexes {
      let create = sql.create(index: index.name).on(index.table)
      for column in index.columns { _ = create.column(column) }
      try await create.run()
    }
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    for index in Self.indexes.reversed() { try await sql.drop(index: index.name).run() }
  }
}
