import FluentKit
import FluentPostgresDriver
import Foundation
import MinshengCore
import SQLKit

// The SQL implementations (PostgreSQL, and SQLite through Fluent's connection when the store opens in
// its portable mode) share these: the database handles, transactions, and the few statements every
// area writes (the chain place, events, notices).

/// The database handles of the SQL implementations.
struct SQLConnection: Sendable {
  let database: StoreDatabase

  /// The handle writes and reads that must see them go through.
  var sql: any SQLDatabase {
    get throws { try Self.sql(database.database) }
  }

  /// A handle for reads alone (see `StoreDatabase.readDatabase`).
  var read: any SQLDatabase {
    get throws { try Self.sql(database.readDatabase) }
  }

  /// Runs `body` in a transaction, resumed on the database's event loop where it has one. On
  /// PostgreSQL a connection the server drops mid-transaction fails the transaction at once (see
  /// `PostgresTransaction`).
  func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
    let db = database.database
    if let postgres = db as? any PostgresDatabase {
      return try await PostgresTransaction.run(on: postgres, body)
    }
    return try await database.onDatabaseLoop {
      try await db.transaction { tx in try await body(Self.sql(tx)) }
    }
  }

  /// Runs `body` as `transaction` does, except that on PostgreSQL it may share its transaction with
  /// other intakes and changes (`PostgresGroupCommit`; run again alone when another one fails): for
  /// writes that touch nothing outside `body`'s handle. Returns once the transaction has committed.
  func grouped<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
    if let group = database.groupCommit, let postgres = database.database as? any PostgresDatabase {
      return try await group.run(on: postgres, body)
    }
    return try await transaction(body)
  }

  static func sql(_ database: any Database) throws -> any SQLDatabase {
    guard let sql = database as? any SQLDatabase else { throw StoreError.internal("the database does not speak SQL") }
    return sql
  }
}

extension SQLDatabase {
  /// Claims the next `count` places in the global chain inside the caller's transaction, for events
  /// sealed as they are written (SQLite through Fluent's connection, where an event's sequence number
  /// is its place; PostgreSQL numbers from `events_seq` and seals afterwards, see `PostgresChain`).
  ///
  /// The previous event's hash is read by a second statement on purpose: a statement that waited for
  /// the head's lock may still read with the snapshot it started with.
  func claimChainPlace(count: Int = 1) async throws -> ChainPlace {
    let head = try await raw(
      "UPDATE audit_head SET last_seq = last_seq + \(bind: count) WHERE id = \(bind: AuditHead.rowID) RETURNING last_seq"
    ).first()
    guard let head else { throw StoreError.internal("the audit head row is missing") }
    let first = try head.decode(column: "last_seq", as: Int64.self) - Int64(count) + 1
    let previous = try await raw("SELECT chain_hash FROM events WHERE chain_pos = \(bind: first - 1)").first()
    return try ChainPlace(position: first, previousHash: previous?.decode(column: "chain_hash", as: String?.self))
  }

  /// The highest serial number of each of these years (absent: none yet), read while the caller
  /// holds the audit head, so no other intake numbers meanwhile.
  func highestSerials(_ years: Set<Int>) async throws -> [Int: Int] {
    var highest: [Int: Int] = [:]
    for year in years {
      highest[year] =
        try await raw(
          "SELECT COALESCE(MAX(serial_number), 0) AS n FROM messages WHERE serial_year = \(bind: year)"
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }
    return highest
  }

  /// Inserts records as rows of `table`, many to a statement (as many as PostgreSQL's limit of
  /// binds to a statement allows).
  func insert<R: Encodable>(_ records: [R], into table: String) async throws {
    guard let first = records.first else { return }
    let size = max(1, 30_000 / max(1, try SQLQueryEncoder().encode(first).count))
    var start = 0
    while start < records.count {
      let slice = Array(records[start..<min(start + size, records.count)])
      try await insert(into: table).models(slice, nilEncodingStrategy: .asNil).run()
      start += slice.count
    }
  }

  /// Inserts a record's columns as a row of `table`, nil values as NULL.
  func insert<R: Encodable>(_ record: R, into table: String) async throws {
    try await insert(into: table).model(record, nilEncodingStrategy: .asNil).run()
  }

  /// Inserts a notice into the outbox.
  func enqueue(_ notice: OutboxRow) async throws {
    try await insert(into: "outbox")
      .columns("id", "channel", "recipient", "body", "created_at", "attempts", "message_id")
      .values(
        SQLBind(notice.id), SQLBind(notice.channel), SQLBind(notice.recipient), SQLBind(notice.body),
        SQLBind(notice.createdAt), SQLBind(0), SQLBind(notice.messageID)
      ).run()
  }

  /// Counts one more intake (or code) in each limit's current window, and refuses when a limit is
  /// exceeded (the caller's transaction rolls the count back). Rows of past windows are deleted.
  func count(_ limits: [CountedLimit], at now: Date) async throws {
    for limit in limits {
      let start = Int64(limit.limit.windowStart(at: now).timeIntervalSince1970)
      try await delete(from: "intake_counters").where("key", .equal, limit.key)
        .where("window_start", .lessThan, start).run()
      let count =
        try await raw(
          """
          INSERT INTO intake_counters (key, window_start, count) VALUES (\(bind: limit.key), \(bind: start), 1)
          ON CONFLICT (key, window_start) DO UPDATE SET count = intake_counters.count + 1
          RETURNING count
          """
        ).first(decodingColumn: "count", as: Int.self) ?? 0
      if count > limit.limit.count {
        throw StoreError.rateLimited(what: limit.what, limit: limit.limit, retryAfter: limit.limit.windowEnd(at: now))
      }
    }
  }

  /// The message row with this id.
  func messageRecord(_ id: UUID) async throws -> MessageRecord? {
    try await select().column("*").from(MessageRecord.schema).where("id", .equal, id)
      .first(decoding: MessageRecord.self)
  }

  /// Records as core values, with their assisting units read in one query per 500 messages.
  func messages(_ records: [MessageRecord]) async throws -> [Message] {
    var assisting: [UUID: [UUID]] = [:]
    var start = 0
    while start < records.count {
      let ids = records[start..<min(start + 500, records.count)].map(\.id)
      start += 500
      let rows = try await select().column("message_id").column("unit_id").from("message_assisting_units")
        .where("message_id", .in, ids).orderBy("position").all()
      for row in rows {
        assisting[try row.decode(column: "message_id", as: UUID.self), default: []].append(
          try row.decode(column: "unit_id", as: UUID.self))
      }
    }
    return try records.map { try $0.core(assisting: assisting[$0.id] ?? []) }
  }

  /// The message with this id and the tip of its chain.
  func messageWithTip(_ id: UUID) async throws -> (message: Message, tip: ChainTip)? {
    guard let record = try await messageRecord(id) else { return nil }
    return (try await messages([record])[0], record.chainTip)
  }
}

extension SQLFragment {
  /// The fragment as SQLKit runs it: each `?` a bound value of the dialect.
  var query: SQLQueryString {
    var query = SQLQueryString("")
    let parts = text.split(separator: "?", omittingEmptySubsequences: false)
    for (index, part) in parts.enumerated() {
      query.appendLiteral(String(part))
      if index < binds.count, index < parts.count - 1 { query.appendInterpolation(binds[index].bind) }
    }
    return query
  }
}

extension SQLDatabase {
  /// The rows of a statement, decoded.
  func all<Row: Decodable>(_ statement: SQLFragment, as type: Row.Type) async throws -> [Row] {
    try await raw(statement.query).all(decoding: Row.self)
  }

  /// Runs a statement.
  func run(_ statement: SQLFragment) async throws {
    try await raw(statement.query).run()
  }

  /// The first column of a statement's first row as a whole number (a count); 0 without rows.
  func integer(_ statement: SQLFragment) async throws -> Int {
    guard let row = try await raw(statement.query).first(), let column = row.allColumns.first else { return 0 }
    return try row.decode(column: column, as: Int.self)
  }
}

/// The SQL implementation's runner of shared statements: SQLKit on the read handle.
struct SQLStatementRunner: StatementRunner {
  let connection: SQLConnection

  var indexHints: Bool { !connection.database.location.isPostgres }

  func all<Row: Decodable & Sendable>(_ statement: SQLFragment, as type: Row.Type) async throws -> [Row] {
    try await connection.read.all(statement, as: type)
  }

  func integer(_ statement: SQLFragment) async throws -> Int {
    try await connection.read.integer(statement)
  }
}

/// The public's reads on PostgreSQL with read replicas: each statement goes to a usable replica in
/// turn; when none is usable, or the one asked fails, the primary answers (the caller never sees a
/// replica's failure).
struct ReplicaStatementRunner: StatementRunner {
  let primary: SQLStatementRunner
  let replicas: ReadReplicas

  var indexHints: Bool { false }

  func all<Row: Decodable & Sendable>(_ statement: SQLFragment, as type: Row.Type) async throws -> [Row] {
    if let (index, replica) = replicas.pick() {
      do {
        let rows = try await replica.all(statement, as: type)
        replicas.served(index)
        return rows
      } catch {
        replicas.failed(index, error)
      }
    }
    return try await primary.all(statement, as: type)
  }

  func integer(_ statement: SQLFragment) async throws -> Int {
    if let (index, replica) = replicas.pick() {
      do {
        let value = try await replica.integer(statement)
        replicas.served(index)
        return value
      } catch {
        replicas.failed(index, error)
      }
    }
    return try await primary.integer(statement)
  }
}
