import Foundation
import MinshengCore
import MinshengTestSupport
import SQLKit
import Testing

@testable import MinshengStore

/// Migrations that rebuild or re-key a table keep every row, and the audit chain still verifies.
@Suite struct SchemaMigrationTests {
  /// The column(s) of the `events` table's primary key.
  func eventsKey(_ store: Store) async throws -> [String] {
    let sql = try store.database.sqlDatabase()
    if sql.dialect.name == "sqlite" {
      return try await sql.raw("SELECT name FROM pragma_table_info('events') WHERE pk > 0 ORDER BY pk").all()
        .map { try $0.decode(column: "name", as: String.self) }
    }
    return try await sql.raw(
      """
      SELECT a.attname AS name FROM pg_index i
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = 'events'::regclass AND i.indisprimary
      """
    ).all().map { try $0.decode(column: "name", as: String.self) }
  }

  /// The indexes on a table (SQLite's automatic ones and PostgreSQL's constraint indexes included).
  func indexes(on table: String, _ store: Store) async throws -> Set<String> {
    let sql = try store.database.sqlDatabase()
    if sql.dialect.name == "sqlite" {
      return Set(
        try await sql.raw("SELECT name FROM pragma_index_list(\(bind: table))").all()
          .map { try $0.decode(column: "name", as: String.self) })
    }
    return Set(
      try await sql.raw("SELECT indexname AS name FROM pg_indexes WHERE tablename = \(bind: table)").all()
        .map { try $0.decode(column: "name", as: String.self) })
  }

  @Test(arguments: TestDatabase.available)
  func eventsKeyedBySequence_keepsEveryEvent_bothWays(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let w = try await SeededWorld.create(in: store)
      for i in 0..<4 {
        let id = try await store.submit(Fixtures.newMessage(title: "留言 \(i)", leader: w.secretary.id), at: Fixtures.now)
          .message.id
        try await store.perform(.assign(lead: w.market.id), on: id, by: w.dispatcher, at: Fixtures.now)
      }
      try await store.sealAllEvents()
      let before = try await store.verifyAudit()
      #expect(before == AuditReport(eventCount: 8, firstBreak: nil))
      #expect(try await eventsKey(store) == ["seq"])
      // An appended event writes two B-trees: the rows by seq (on SQLite the rows themselves, on
      // PostgreSQL the key's index) and the per-message chain; and the partial indexes of direct
      // answers, of supervision notices and of rating appeals only for those events, and the public
      // status changes by time (Open311's updates).
      let sqlite = try store.database.sqlDatabase().dialect.name == "sqlite"
      // (and the global chain's places; on PostgreSQL also the partial index of events not sealed yet).
      #expect(try await indexes(on: "events", store).count == (sqlite ? 6 : 8))

      // Released migrations rebuilt the table when every event was sealed as it was written.
      try await M0060_StatusUpdatesByTime().revert(on: store.database.database)
      try await M0051_RatingAppeals().revert(on: store.database.database)
      try await M0047_EventSealing().revert(on: store.database.database)
      try await M0043_Rollups().revert(on: store.database.database)
      try await M0038_PendingModeration().revert(on: store.database.database)
      try await M0037_EventsKeyedBySequence().revert(on: store.database.database)
      #expect(try await eventsKey(store) == ["id"])
      #expect(
        try await store.database.sqlDatabase().raw("SELECT COUNT(*) AS n FROM events").first()?.decode(
          column: "n", as: Int.self) == 8)

      try await M0037_EventsKeyedBySequence().prepare(on: store.database.database)
      try await M0038_PendingModeration().prepare(on: store.database.database)
      try await M0043_Rollups().prepare(on: store.database.database)
      try await M0047_EventSealing().prepare(on: store.database.database)
      try await M0051_RatingAppeals().prepare(on: store.database.database)
      try await M0060_StatusUpdatesByTime().prepare(on: store.database.database)
      #expect(try await eventsKey(store) == ["seq"])
      #expect(try await indexes(on: "events", store).count == (sqlite ? 6 : 8))
      #expect(try await store.verifyAudit() == before)
      let next = try await store.submit(Fixtures.newMessage(leader: w.secretary.id), at: Fixtures.now)
      #expect(try await store.events(of: next.message.id).map(\.sequence) == [9])
      try await store.sealAllEvents()
      #expect(try await store.verifyAudit() == AuditReport(eventCount: 9, firstBreak: nil))
      // A second event in the same place of the chain is refused by the key.
      await #expect(throws: (any Error).self) {
        try await store.database.executeAdministrative(
          "INSERT INTO events SELECT * FROM events WHERE seq = 9")
      }
    }
  }

  /// The moderation queue reads the partial index of waiting messages, which an intake without
  /// moderation does not write.
  @Test func pendingModeration_isReadFromItsPartialIndex() async throws {
    try await TestDatabase.sqlite.withStore { (store: Store) async throws in
      let sql = try store.database.sqlDatabase()
      let plan = try await sql.raw(
        """
        EXPLAIN QUERY PLAN SELECT * FROM messages WHERE publication = 'pending'
        AND is_public = 1 AND dispatching_unit_id = 'X' ORDER BY created_at LIMIT 50
        """
      ).all().map { try $0.decode(column: "detail", as: String.self) }
      #expect(plan.contains { $0.contains("messages_pending_moderation") }, "\(plan)")
      #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
      #expect(try await indexes(on: "messages", store).contains("messages_pending_moderation"))
      #expect(!(try await indexes(on: "messages", store).contains("messages_publication")))
    }
  }
}
