import Foundation
import MinshengCore

// The statements every SQLite implementation shares, on one connection: the chain place, records in
// and out, and the reads of whole messages.

extension SQLiteHandle {
  /// Claims the next `count` places in the global chain inside the current transaction and returns
  /// the first; on SQLite an event's sequence number is its place. This connection runs one statement
  /// at a time, so one statement takes the place and reads the hash of the event before.
  func claimChainPlace(count: Int = 1) throws -> ChainPlace {
    let rows = try query(
      """
      UPDATE audit_head SET last_seq = last_seq + ? WHERE id = ?
      RETURNING last_seq,
        (SELECT e.chain_hash FROM events e WHERE e.chain_pos = audit_head.last_seq - ?) AS previous_hash
      """, [.integer(Int64(count)), .text(AuditHead.rowID.uuidString), .integer(Int64(count))])
    guard let row = rows.first, case .integer(let last)? = row["last_seq"] else {
      throw StoreError.internal("the audit head row is missing")
    }
    let previous: String? = if case .text(let hash)? = row["previous_hash"] { hash } else { nil }
    return try ChainPlace(position: last - Int64(count) + 1, previousHash: previous)
  }

  /// The highest serial number of each of these years (absent: none yet).
  func highestSerials(_ years: Set<Int>) throws -> [Int: Int] {
    var highest: [Int: Int] = [:]
    for year in years {
      highest[year] = try integer(
        "SELECT COALESCE(MAX(serial_number), 0) FROM messages WHERE serial_year = ?", [.integer(Int64(year))])
    }
    return highest
  }

  /// Inserts a record's columns as a row of `table` (the statement is prepared once per record type).
  func insert<R: Encodable>(_ record: R, into table: String) throws {
    let columns = try SQLiteRecordEncoder().encode(record)
    let sql = statementText(for: R.self) {
      """
      INSERT INTO \(table) (\(columns.map { "\"\($0.column)\"" }.joined(separator: ", ")))
      VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
      """
    }
    try execute(sql, columns.map(\.value))
  }

  /// Inserts a notice into the outbox.
  func enqueue(_ notice: OutboxRow) throws {
    try execute(
      "INSERT INTO outbox (id, channel, recipient, body, created_at, attempts, message_id) VALUES (?, ?, ?, ?, ?, 0, ?)",
      [
        .text(notice.id.uuidString), .text(notice.channel), .text(notice.recipient), .text(notice.body),
        notice.createdAt.sqliteValue, notice.messageID.map { .text($0.uuidString) } ?? .null,
      ])
  }

  /// Counts one more intake (or code) in each limit's current window; refuses past a limit.
  func count(_ limits: [CountedLimit], at now: Date) throws {
    for limit in limits {
      let start = Int64(limit.limit.windowStart(at: now).timeIntervalSince1970)
      try execute(
        "DELETE FROM intake_counters WHERE key = ? AND window_start < ?", [.text(limit.key), .integer(start)])
      let rows = try query(
        """
        INSERT INTO intake_counters (key, window_start, count) VALUES (?, ?, 1)
        ON CONFLICT (key, window_start) DO UPDATE SET count = intake_counters.count + 1
        RETURNING count
        """, [.text(limit.key), .integer(start)])
      guard case .integer(let count)? = rows.first?["count"] else {
        throw StoreError.internal("the intake counter returned no count")
      }
      if count > limit.limit.count {
        throw StoreError.rateLimited(what: limit.what, limit: limit.limit, retryAfter: limit.limit.windowEnd(at: now))
      }
    }
  }

  /// The rows a query returns as records, decoded without SQLKit.
  func records<Record: Decodable>(
    _ type: Record.Type, _ sql: String, _ binds: [SQLiteValue] = [], cached: Bool = true
  ) throws -> [Record] {
    let decoder = SQLiteRecordDecoder()
    return try query(sql, binds, cached: cached).map { try decoder.decode(Record.self, from: $0) }
  }

  /// One integer a query returns (a count), 0 when it returns none.
  func integer(_ sql: String, _ binds: [SQLiteValue] = [], cached: Bool = true) throws -> Int {
    guard let row = try query(sql, binds, cached: cached).first, case .integer(let value)? = row.values.first else {
      return 0
    }
    return Int(value)
  }

  /// `?, ?, …` for a list of binds (statements with lists are not kept prepared).
  static func placeholders(_ count: Int) -> String {
    Array(repeating: "?", count: max(count, 1)).joined(separator: ", ")
  }

  /// The one message whose `column` has `value`, with its chain tip.
  func messageWithTip(_ column: String, _ value: SQLiteValue) throws -> (message: Message, tip: ChainTip)? {
    guard let record = try records(MessageRecord.self, "SELECT * FROM messages WHERE \(column) = ?", [value]).first
    else { return nil }
    return (try message(record), record.chainTip)
  }

  /// A record as a core value, with its assisting units.
  func message(_ record: MessageRecord) throws -> Message {
    try record.core(assisting: assistingUnits(of: record.id))
  }

  /// Records as core values.
  func messages(_ records: [MessageRecord]) throws -> [Message] {
    try records.map(message)
  }

  func assistingUnits(of id: UUID) throws -> [UUID] {
    try query(
      "SELECT unit_id FROM message_assisting_units WHERE message_id = ? ORDER BY position", [.text(id.uuidString)]
    ).compactMap { row in
      guard case .text(let text)? = row["unit_id"] else { return nil }
      return UUID(uuidString: text)
    }
  }

  func events(of id: UUID) throws -> [Event] {
    try records(
      EventRecord.self, "SELECT * FROM events WHERE message_id = ? ORDER BY message_seq",
      [
        .text(id.uuidString)
      ]
    ).compactMap(\.core)
  }

  func replies(of id: UUID, state: ReplyState) throws -> [StoredReply] {
    let order = state == .published ? "published_at" : "created_at"
    return try records(
      ReplyRecord.self, "SELECT * FROM replies WHERE message_id = ? AND state = ? ORDER BY \(order)",
      [.text(id.uuidString), .text(state.rawValue)]
    ).compactMap(\.core)
  }
}

extension SQLiteHandle {
  /// The rows of a statement, decoded (statements with a list of values are not kept prepared).
  func all<Row: Decodable>(_ statement: SQLFragment, as type: Row.Type) throws -> [Row] {
    try records(Row.self, statement.text, statement.binds.map(SQLiteValue.init), cached: !statement.hasList)
  }

  /// Runs a statement.
  func run(_ statement: SQLFragment) throws {
    _ = try query(statement.text, statement.binds.map(SQLiteValue.init), cached: !statement.hasList)
  }

  /// The first column of a statement's first row as a whole number; 0 without rows.
  func integer(_ statement: SQLFragment) throws -> Int {
    try integer(statement.text, statement.binds.map(SQLiteValue.init), cached: !statement.hasList)
  }
}

extension SQLFragment {
  /// Whether the statement's text depends on how many values a list has (then it is not worth
  /// keeping prepared: each length is a statement of its own).
  var hasList: Bool { text.contains("IN (?") }
}

/// The SQLite implementation's runner of shared statements: one job on a query-only connection each.
struct SQLiteStatementRunner: StatementRunner {
  let readers: SQLiteReaders

  var indexHints: Bool { true }

  func all<Row: Decodable & Sendable>(_ statement: SQLFragment, as type: Row.Type) async throws -> [Row] {
    try await readers.run { try $0.all(statement, as: type) }
  }

  func integer(_ statement: SQLFragment) async throws -> Int {
    try await readers.run { try $0.integer(statement) }
  }
}
