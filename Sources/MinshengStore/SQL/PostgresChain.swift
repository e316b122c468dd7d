import Foundation
import MinshengCore
import SQLKit

/// PostgreSQL's numbering and global chain, without a row that every writer holds across its commit.
///
/// A transaction takes its events' sequence numbers from `events_seq` and its message's serial
/// number from the year's sequence (`message_serials_<year>`), neither of which waits for another
/// transaction, and writes each event hashed into its message's chain only. The sealer (`seal`, run
/// every moment by `serve`, one instance at a time) then links the committed events into the global
/// chain, oldest sequence number first, giving each its place (`chain_pos`) and chain hash, and
/// moves the head. So writers of every instance commit side by side and PostgreSQL flushes their
/// commits together.
///
/// What this keeps: both chains, checked by `audit verify` as before, and events of one message
/// sealed in their order (a change to a message reads the version the previous change committed, so
/// its sequence number is taken after that commit). What it allows: sequence and serial numbers
/// with gaps where a transaction rolled back (a refused or failed intake uses up its number), and an
/// event that is not in the global chain yet, for the moment until the sealer's next round, guarded
/// by its message's chain alone (`audit verify` checks and counts such events).
enum PostgresChain {
  /// How many events one sealing round links at most.
  static let roundSize = 5_000

  /// The name of the sequence of a year's serial numbers (the year is a number: safe in SQL text).
  static func serialSequence(_ year: Int) -> String {
    "message_serials_\(year)"
  }
}

extension SQLConnection {
  /// Makes sure the sequence of `year`'s serial numbers exists, created on the first message of the
  /// year and started after its highest number (messages loaded before it existed). Outside any
  /// intake's transaction; one instance creates it at a time; known years are remembered.
  func ensureSerialSequence(_ year: Int) async throws {
    guard !database.serialYears.withLock({ $0.contains(year) }) else { return }
    let name = PostgresChain.serialSequence(year)
    try await transaction { sql in
      try await sql.raw("SELECT pg_advisory_xact_lock(7240047)").run()
      let missing =
        try await sql.raw("SELECT to_regclass(\(bind: name)) IS NULL AS missing").first(
          decodingColumn: "missing", as: Bool.self) ?? true
      guard missing else { return }
      try await sql.raw("CREATE SEQUENCE \(unsafeRaw: name)").run()
      try await sql.raw(
        """
        SELECT setval(\(bind: name), (SELECT COALESCE(MAX(serial_number), 0) + 1 FROM messages
          WHERE serial_year = \(bind: year)), false)
        """
      ).run()
    }
    _ = database.serialYears.withLock { $0.insert(year) }
  }
}

extension SQLDatabase {
  /// The next `count` event sequence numbers, ascending.
  func nextSequences(_ count: Int) async throws -> [Int64] {
    try await raw("SELECT nextval('events_seq') AS n FROM generate_series(1, \(bind: count))")
      .all(decodingColumn: "n", as: Int64.self).sorted()
  }

  /// The next `count` serial numbers of `year` (its sequence exists: `ensureSerialSequence`).
  func nextSerials(year: Int, count: Int) async throws -> [Int] {
    try await raw(
      "SELECT nextval(\(bind: PostgresChain.serialSequence(year))) AS n FROM generate_series(1, \(bind: count))"
    ).all(decodingColumn: "n", as: Int.self).sorted()
  }

  /// An intake's event sequence number and its message's serial number, in one round trip.
  func nextSequenceAndSerial(year: Int) async throws -> (sequence: Int64, serial: Int) {
    let row = try await raw(
      "SELECT nextval('events_seq') AS seq, nextval(\(bind: PostgresChain.serialSequence(year))) AS serial"
    ).first()
    guard let row else { throw StoreError.internal("the sequences returned no row") }
    return (try row.decode(column: "seq", as: Int64.self), try row.decode(column: "serial", as: Int.self))
  }

  /// Seals committed events that are not in the global chain yet, in the caller's transaction: the
  /// oldest sequence numbers first, at most `limit` (nil: all), each at the next place after the
  /// head, which moves on. Holds the head's row until the caller commits; with `wait` false, answers
  /// nil at once when another sealer holds it. Returns how many it sealed and the place after them.
  func sealPending(limit: Int?, wait: Bool) async throws -> (sealed: Int, next: ChainPlace)? {
    let lock = wait ? "FOR UPDATE" : "FOR UPDATE SKIP LOCKED"
    guard
      let head = try await raw(
        "SELECT last_seq FROM audit_head WHERE id = \(bind: AuditHead.rowID) \(unsafeRaw: lock)"
      ).first(decodingColumn: "last_seq", as: Int64.self)
    else {
      if wait { throw StoreError.internal("the audit head row is missing") }
      return nil
    }
    let previous =
      head == 0
      ? nil
      : try await raw("SELECT chain_hash FROM events WHERE chain_pos = \(bind: head)")
        .first(decodingColumn: "chain_hash", as: String.self)
    var place = try ChainPlace(position: head + 1, previousHash: previous)
    let pending = try await raw(
      """
      SELECT * FROM events WHERE chain_pos IS NULL ORDER BY seq \(unsafeRaw: limit.map { "LIMIT \($0)" } ?? "")
      """
    ).all(decoding: EventRecord.self)
    guard !pending.isEmpty else { return (0, place) }
    var sealed: [(id: UUID, position: Int64, hash: String)] = []
    for record in pending {
      guard let draft = record.draft else {
        throw StoreError.internal("event \(record.id) holds a value this version does not know; it cannot be sealed")
      }
      let canonical = AuditChain.canonicalEncoding(
        sequence: record.sequence, messageSequence: record.messageSequence, draft: draft)
      let hash = Hashing.chain(previous: place.previousChainHash, canonical: canonical)
      sealed.append((record.id, place.position, hash))
      place = place.next(after: hash)
    }
    // 1,000 rows (3,000 binds) to a statement.
    var start = 0
    while start < sealed.count {
      let slice = sealed[start..<min(start + 1_000, sealed.count)]
      start += slice.count
      var query = SQLQueryString("UPDATE events SET chain_pos = v.pos, chain_hash = v.hash FROM (VALUES ")
      for (index, row) in slice.enumerated() {
        query.appendLiteral(index == 0 ? "(" : ", (")
        query.appendInterpolation(bind: row.id)
        query.appendLiteral("::uuid, ")
        query.appendInterpolation(bind: row.position)
        query.appendLiteral("::bigint, ")
        query.appendInterpolation(bind: row.hash)
        query.appendLiteral("::text)")
      }
      query.appendLiteral(") AS v (id, pos, hash) WHERE events.id = v.id")
      try await raw(query).run()
    }
    try await raw(
      "UPDATE audit_head SET last_seq = \(bind: place.position - 1) WHERE id = \(bind: AuditHead.rowID)"
    ).run()
    return (sealed.count, place)
  }
}
