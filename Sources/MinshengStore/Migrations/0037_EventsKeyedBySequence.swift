import FluentKit
import SQLKit

/// The audit events are keyed by their place in the global chain (`seq`) instead of a random id.
///
/// Every write of a message appends one event. With a random UUID as the key, each append touched
/// four B-trees (the rows, the id key, the `seq` key and the per-message key), the id key in a
/// random place. Keyed by `seq`, SQLite stores the rows in chain order (the key is the row id) and
/// an append touches two: two fewer pages written and synced on every intake and every transition.
/// The id stays, without an index: nothing looks an event up by it, and it is a random UUID.
///
/// SQLite cannot change a table's key in place, so there the table is rebuilt in a transaction
/// (rows copied in chain order); PostgreSQL swaps the constraints. Both end with the same columns,
/// key and constraints.
struct M0037_EventsKeyedBySequence: AsyncMigration {
  var name: String { "0037_EventsKeyedBySequence" }

  /// The columns after `id` and `seq`, as M0008 made them.
  static let columns = """
    "message_id" UUID NOT NULL REFERENCES "messages" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION,
    "message_seq" INTEGER NOT NULL, "at_ms" INTEGER NOT NULL, "actor_role" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL, "actor_unit_id" UUID, "action" TEXT NOT NULL, "from_status" TEXT,
    "to_status" TEXT NOT NULL, "visibility" TEXT NOT NULL, "note" TEXT, "payload" TEXT NOT NULL,
    "message_hash" TEXT NOT NULL, "chain_hash" TEXT NOT NULL,
    CONSTRAINT "uq:events.message_id+events.message_seq" UNIQUE ("message_id", "message_seq")
    """
  static let names = """
    "id", "seq", "message_id", "message_seq", "at_ms", "actor_role", "actor_id", "actor_unit_id", "action",
    "from_status", "to_status", "visibility", "note", "payload", "message_hash", "chain_hash"
    """

  func prepare(on database: any Database) async throws {
    try await database.transaction { tx in
      let sql = try MigrationSQL.of(tx)
      if sql.dialect.name == "sqlite" {
        try await Self.rebuild(
          sql, key: #""id" UUID NOT NULL, "seq" INTEGER PRIMARY KEY"#, constraints: "")
      } else {
        try await sql.raw("ALTER TABLE events DROP CONSTRAINT events_pkey").run()
        try await sql.raw("ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (seq)").run()
        try await sql.raw(#"ALTER TABLE events DROP CONSTRAINT "uq:events.seq""#).run()
      }
    }
  }

  func revert(on database: any Database) async throws {
    try await database.transaction { tx in
      let sql = try MigrationSQL.of(tx)
      if sql.dialect.name == "sqlite" {
        try await Self.rebuild(
          sql, key: #""id" UUID PRIMARY KEY, "seq" INTEGER NOT NULL"#,
          constraints: #", CONSTRAINT "uq:events.seq" UNIQUE ("seq")"#)
      } else {
        try await sql.raw(#"ALTER TABLE events ADD CONSTRAINT "uq:events.seq" UNIQUE (seq)"#).run()
        try await sql.raw("ALTER TABLE events DROP CONSTRAINT events_pkey").run()
        try await sql.raw("ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id)").run()
      }
    }
  }

  /// Makes a new `events` table with these key columns, copies the rows in chain order, and puts it
  /// in the old one's place with its partial index.
  static func rebuild(_ sql: any SQLDatabase, key: String, constraints: String) async throws {
    try await sql.raw("CREATE TABLE events_rebuilt (\(unsafeRaw: key), \(unsafeRaw: columns)\(unsafeRaw: constraints))")
      .run()
    try await sql.raw(
      "INSERT INTO events_rebuilt (\(unsafeRaw: names)) SELECT \(unsafeRaw: names) FROM events ORDER BY seq"
    ).run()
    try await sql.raw("DROP TABLE events").run()
    try await sql.raw("ALTER TABLE events_rebuilt RENAME TO events").run()
    try await sql.raw(
      "CREATE INDEX events_answered_directly ON events (message_id) WHERE action = 'answer_directly'"
    ).run()
  }
}
