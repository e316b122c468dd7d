import FluentKit
import SQLKit

/// 全文检索: the public's index (only what the public reads, masked) and the staff's index (whole
/// cases, with the author's name and number), each document keyed by its message's serial
/// (`year * 100000000 + number`, so the key's order is the serial's); and the messages whose
/// documents wait to be (re)written, each with the version it reached. On SQLite the indexes are
/// FTS5 tables that keep no copy of the text; on PostgreSQL, `tsvector` columns under GIN indexes,
/// each row with its message's id.
/// Every message there is waits, so `serve` indexes them after the upgrade.
struct M0042_SearchIndex: AsyncMigration {
  var name: String { "0042_SearchIndex" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await database.schema("search_pending")
      .field("message_id", .uuid, .identifier(auto: false))
      .field("version", .int, .required)
      .create()
    if sql.dialect.name == "sqlite" {
      try await sql.raw(
        """
        CREATE VIRTUAL TABLE public_search USING fts5(title, body, replies, tokenize = 'ascii', content = '',
          contentless_delete = 1)
        """
      ).run()
      try await sql.raw(
        """
        CREATE VIRTUAL TABLE staff_search USING fts5(title, body, replies, people, tokenize = 'ascii', content = '',
          contentless_delete = 1)
        """
      ).run()
    } else {
      for table in ["public_search", "staff_search"] {
        try await sql.raw(
          "CREATE TABLE \(unsafeRaw: table) (doc BIGINT PRIMARY KEY, message_id UUID NOT NULL, terms TSVECTOR NOT NULL)"
        ).run()
        try await sql.raw("CREATE INDEX \(unsafeRaw: table)_terms ON \(unsafeRaw: table) USING GIN (terms)").run()
        // How common each term is decides the plan (walk the newest documents, or look the term up in
        // the GIN index); with the default statistics a rare term is guessed common.
        try await sql.raw("ALTER TABLE \(unsafeRaw: table) ALTER COLUMN terms SET STATISTICS 1000").run()
      }
    }
    try await sql.raw("INSERT INTO search_pending (message_id, version) SELECT id, version FROM messages").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("DROP TABLE staff_search").run()
    try await sql.raw("DROP TABLE public_search").run()
    try await database.schema("search_pending").delete()
  }
}
