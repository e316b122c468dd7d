import Foundation
import MinshengCore

// The SQLite paths of the hottest operations: intake as one job on the writer connection (with
// group commit), and the public reads of one message as one job on a reader connection. The
// statements are the same as the SQLKit paths used on PostgreSQL; the tests run both.

extension Store {
  /// 受理 on SQLite: claims the chain place, numbers and stores the message and stores its
  /// `received` event, in a savepoint of a transaction that concurrent intakes may share.
  func storeReceived(
    _ message: Message, trackingHash: String, by actor: Actor, suggestion: SuggestionRecord?,
    limits: [CountedLimit] = [], fingerprint: Fingerprint? = nil, on writer: SQLiteWorker
  ) async throws -> Message {
    try await writer.grouped { handle in
      try Self.count(limits, at: message.createdAt, on: handle)
      var message = message
      let place = try Self.claimChainPlace(on: handle)
      let (event, tip) = self.seal(EventDraft.received(message, by: actor), at: place, after: .empty)
      message.serial.number = try Self.insert(
        MessageRecord(message, trackingHash: trackingHash, chainTip: tip, fingerprint: fingerprint), on: handle)
      try Self.insert(EventRecord(event), into: EventRecord.schema, on: handle)
      if let suggestion { try Self.insert(suggestion, into: SuggestionRecord.schema, on: handle) }
      return message
    }
  }

  static func claimChainPlace(on handle: SQLiteHandle) throws -> ChainPlace {
    let rows = try handle.query(
      """
      UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = ?
      RETURNING last_seq, (SELECT e.chain_hash FROM events e WHERE e.seq = audit_head.last_seq - 1) AS previous_hash
      """, [.text(AuditHeadModel.rowID.uuidString)])
    guard let row = rows.first, case .integer(let sequence)? = row["last_seq"] else {
      throw StoreError.notFound("审计链头")
    }
    let previous: String? = if case .text(let hash)? = row["previous_hash"] { hash } else { nil }
    return try ChainPlace(sequence: sequence, previousHash: previous)
  }

  /// Inserts a message row, numbered one more than the year's highest inside the INSERT.
  static func insert(_ record: MessageRecord, on handle: SQLiteHandle) throws -> Int {
    let columns = try SQLiteRecordEncoder().encode(record)
    let serial = "(SELECT COALESCE(MAX(serial_number), 0) + 1 FROM messages WHERE serial_year = ?)"
    let sql = handle.statementText(for: MessageRecord.self) {
      """
      INSERT INTO \(MessageRecord.schema) (\(columns.map { "\"\($0.column)\"" }.joined(separator: ", ")))
      VALUES (\(columns.map { $0.column == "serial_number" ? serial : "?" }.joined(separator: ", ")))
      RETURNING serial_number
      """
    }
    let binds = columns.map { $0.column == "serial_number" ? .integer(Int64(record.serialYear)) : $0.value }
    guard case .integer(let number)? = try handle.query(sql, binds).first?["serial_number"] else {
      throw StoreError.notFound("新留言的编号")
    }
    return Int(number)
  }

  /// Inserts a record's columns as a row of `table`.
  static func insert<R: Encodable>(_ record: R, into table: String, on handle: SQLiteHandle) throws {
    let columns = try SQLiteRecordEncoder().encode(record)
    let sql = handle.statementText(for: R.self) {
      """
      INSERT INTO \(table) (\(columns.map { "\"\($0.column)\"" }.joined(separator: ", ")))
      VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
      """
    }
    try handle.execute(sql, columns.map(\.value))
  }

  // MARK: Reads

  static func message(_ id: UUID, on handle: SQLiteHandle) throws -> Message? {
    guard let row = try handle.query("SELECT * FROM messages WHERE id = ?", [.text(id.uuidString)]).first else {
      return nil
    }
    let record = try SQLiteRecordDecoder().decode(MessageRecord.self, from: row)
    return try record.core(assisting: assistingUnits(of: id, on: handle))
  }

  static func message(trackingHash: String, on handle: SQLiteHandle) throws -> Message? {
    guard
      let row = try handle.query("SELECT * FROM messages WHERE tracking_hash = ?", [.text(trackingHash)]).first
    else { return nil }
    let record = try SQLiteRecordDecoder().decode(MessageRecord.self, from: row)
    return try record.core(assisting: assistingUnits(of: record.id, on: handle))
  }

  /// The rows a query returns as records, decoded without SQLKit.
  static func records<Record: Decodable>(
    _ type: Record.Type, _ sql: String, _ binds: [SQLiteValue], on handle: SQLiteHandle
  ) throws -> [Record] {
    let decoder = SQLiteRecordDecoder()
    return try handle.query(sql, binds).map { try decoder.decode(Record.self, from: $0) }
  }

  static func messages(_ records: [MessageRecord], on handle: SQLiteHandle) throws -> [Message] {
    try records.map { try $0.core(assisting: assistingUnits(of: $0.id, on: handle)) }
  }

  static func assistingUnits(of id: UUID, on handle: SQLiteHandle) throws -> [UUID] {
    try handle.query(
      "SELECT unit_id FROM message_assisting_units WHERE message_id = ? ORDER BY position", [.text(id.uuidString)]
    ).compactMap { row in
      guard case .text(let text)? = row["unit_id"] else { return nil }
      return UUID(uuidString: text)
    }
  }

  static func events(of id: UUID, on handle: SQLiteHandle) throws -> [Event] {
    let decoder = SQLiteRecordDecoder()
    return try handle.query("SELECT * FROM events WHERE message_id = ? ORDER BY message_seq", [.text(id.uuidString)])
      .compactMap { try decoder.decode(EventRecord.self, from: $0).core }
  }

  static func publishedReplies(of id: UUID, on handle: SQLiteHandle) throws -> [Reply] {
    let decoder = SQLiteRecordDecoder()
    return try handle.query(
      "SELECT * FROM replies WHERE message_id = ? AND state = 'published' ORDER BY published_at",
      [.text(id.uuidString)]
    ).compactMap { row in
      let record = try decoder.decode(ReplyRecord.self, from: row)
      guard let at = record.publishedAt else { return nil }
      return Reply(
        id: record.id, messageID: record.messageID, unitID: record.unitID, body: record.body, publishedAt: at)
    }
  }
}

/// A row of `replies` (written through `ReplyModel`), read on the SQLite fast path.
struct ReplyRecord: Decodable {
  var id: UUID
  var messageID: UUID
  var unitID: UUID
  var body: String
  var publishedAt: Date?

  enum CodingKeys: String, CodingKey {
    case id, body
    case messageID = "message_id"
    case unitID = "unit_id"
    case publishedAt = "published_at"
  }
}
