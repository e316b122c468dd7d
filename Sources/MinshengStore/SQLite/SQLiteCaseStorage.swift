import Foundation
import MinshengCore

/// `CaseStorage` on SQLite's own connections: every intake and change is one job on the writer
/// connection (sharing a commit with the jobs queued behind it), and reads run on the query-only
/// connections, each read of several statements in one snapshot.
struct SQLiteCaseStorage: CaseStorage {
  let writer: SQLiteWorker
  let readers: SQLiteReaders

  func receive(_ intake: ReceivedCase) async throws -> Message {
    try await writer.grouped { handle in
      try handle.count(intake.limits, at: intake.message.createdAt)
      var message = intake.message
      let place = try handle.claimChainPlace()
      let (event, tip) = AuditChain.seal(
        EventDraft.received(message, by: intake.actor), id: intake.eventID, sequence: place.position, at: place,
        after: .empty)
      message.serial.number = try Self.insertNumbered(
        MessageRecord(message, trackingHash: intake.trackingHash, chainTip: tip, fingerprint: intake.fingerprint),
        on: handle)
      try handle.insert(EventRecord(event, position: place.position), into: EventRecord.schema)
      try handle.run(SearchStatements.queue(message.id, version: message.version))
      for (position, image) in intake.images.enumerated() {
        try handle.insert(
          AttachmentRecord(image, messageID: message.id, position: position, at: message.createdAt),
          into: AttachmentRecord.schema)
      }
      if let suggestion = intake.suggestion { try handle.insert(suggestion, into: SuggestionRecord.schema) }
      for statement in intake.statements { try handle.run(statement) }
      return message
    }
  }

  func load(_ batch: [LoadedCase]) async throws -> [Message] {
    guard !batch.isEmpty else { return [] }
    return try await writer.grouped { handle in
      let place = try handle.claimChainPlace(count: SealedLoad.eventCount(batch))
      let sealed = try SealedLoad(
        batch, sequences: Array(place.position..<place.position + Int64(SealedLoad.eventCount(batch))), from: place,
        numbers: SealedLoad.numbers(batch, after: try handle.highestSerials(Set(batch.map(\.final.serial.year)))),
        postgres: false)
      for record in sealed.records { try handle.insert(record, into: MessageRecord.schema) }
      for (messageID, row) in sealed.assisting {
        try handle.execute(
          "INSERT INTO message_assisting_units (id, message_id, unit_id, position) VALUES (?, ?, ?, ?)",
          [
            .text(row.id.uuidString), .text(messageID.uuidString), .text(row.unitID.uuidString),
            .integer(Int64(row.position)),
          ])
      }
      for reply in sealed.replies { try handle.insert(reply, into: ReplyRecord.schema) }
      for evaluation in sealed.evaluations { try handle.insert(evaluation, into: EvaluationRecord.schema) }
      for event in sealed.events { try handle.insert(event, into: EventRecord.schema) }
      for statement in sealed.search { try handle.run(statement) }
      for suggestion in sealed.suggestions { try handle.insert(suggestion, into: SuggestionRecord.schema) }
      for attachment in sealed.attachments { try handle.insert(attachment, into: AttachmentRecord.schema) }
      for row in sealed.imported { try handle.insert(row, into: ImportedRecordRow.schema) }
      return sealed.messages
    }
  }

  /// The key of the numbering INSERT's text, apart from the plain INSERT of the same record.
  private enum NumberedInsert {}

  /// Inserts a message row, numbered one more than the year's highest inside the INSERT.
  static func insertNumbered(_ record: MessageRecord, on handle: SQLiteHandle) throws -> Int {
    let columns = try SQLiteRecordEncoder().encode(record)
    let serial = "(SELECT COALESCE(MAX(serial_number), 0) + 1 FROM messages WHERE serial_year = ?)"
    let sql = handle.statementText(for: NumberedInsert.self) {
      """
      INSERT INTO \(MessageRecord.schema) (\(columns.map { "\"\($0.column)\"" }.joined(separator: ", ")))
      VALUES (\(columns.map { $0.column == "serial_number" ? serial : "?" }.joined(separator: ", ")))
      RETURNING serial_number
      """
    }
    let binds = columns.map { $0.column == "serial_number" ? .integer(Int64(record.serialYear)) : $0.value }
    guard case .integer(let number)? = try handle.query(sql, binds).first?["serial_number"] else {
      throw StoreError.internal("the new message's row returned no serial")
    }
    return Int(number)
  }

  func apply(_ change: CaseChange) async throws {
    try await writer.grouped { handle in
      let id = SQLiteValue.text(change.before.id.uuidString)
      if let key = change.jobKey {
        let claimed = try handle.query(
          """
          INSERT INTO job_runs (message_id, job_key, done_at) VALUES (?, ?, ?)
          ON CONFLICT (message_id, job_key) DO NOTHING RETURNING job_key
          """, [id, .text(key), change.event.at.sqliteValue])
        guard !claimed.isEmpty else { throw StoreError.alreadyDone }
      }
      let place = try handle.claimChainPlace()
      let (event, tip) = AuditChain.seal(
        change.event, id: change.eventID, sequence: place.position, at: place, after: change.tip)
      try Self.compareAndSwap(change.before, to: change.after, tip: tip, on: handle)
      if let assisting = change.assisting {
        try handle.execute("DELETE FROM message_assisting_units WHERE message_id = ?", [id])
        for row in assisting {
          try handle.execute(
            "INSERT INTO message_assisting_units (id, message_id, unit_id, position) VALUES (?, ?, ?, ?)",
            [.text(row.id.uuidString), id, .text(row.unitID.uuidString), .integer(Int64(row.position))])
        }
      }
      for row in change.rows { try Self.write(row, of: change.before.id, on: handle) }
      for notice in change.notices { try handle.enqueue(notice) }
      if change.changesSearch { try handle.run(SearchStatements.queue(change.after.id, version: change.after.version)) }
      try handle.insert(EventRecord(event, position: place.position), into: EventRecord.schema)
    }
  }

  /// The new state and chain tip, written only if the row still has the version the change read.
  static func compareAndSwap(_ old: Message, to new: Message, tip: ChainTip, on handle: SQLiteHandle) throws {
    let rows = try handle.query(
      """
      UPDATE messages SET status = ?, closure = ?, urgent = ?, lead_unit_id = ?, reply_needs_review = ?,
        acceptance_due = ?, reply_due = ?, merged_into_id = ?, publication = ?, public_title = ?, public_body = ?,
        public_address = ?, version = ?, event_count = ?, last_event_hash = ?, updated_at = ?
      WHERE id = ? AND version = ? RETURNING id
      """,
      [
        .text(new.status.rawValue), SQLiteValue(.optional(new.closure?.rawValue)), new.urgent.sqliteValue,
        SQLiteValue(.optional(new.leadUnitID)), new.replyNeedsReview.sqliteValue,
        SQLiteValue(.optional(new.acceptanceDue)), SQLiteValue(.optional(new.replyDue)),
        SQLiteValue(.optional(new.mergedIntoID)), .text(new.publication.rawValue),
        SQLiteValue(.optional(new.publicTitle)), SQLiteValue(.optional(new.publicBody)),
        SQLiteValue(.optional(new.publicAddress)), .integer(Int64(new.version)), .integer(Int64(tip.count)),
        .text(tip.hash), new.updatedAt.sqliteValue,
        .text(old.id.uuidString), .integer(Int64(old.version)),
      ])
    guard rows.count == 1 else {
      let current = try handle.query("SELECT version FROM messages WHERE id = ?", [.text(old.id.uuidString)])
      let version: Int? = if case .integer(let value)? = current.first?["version"] { Int(value) } else { nil }
      throw StoreError.conflict(messageID: old.id, expectedVersion: old.version, currentVersion: version)
    }
  }

  private static func write(_ row: SideRow, of messageID: UUID, on handle: SQLiteHandle) throws {
    switch row {
    case .reply(let reply):
      try handle.insert(ReplyRecord(reply, messageID: messageID), into: ReplyRecord.schema)
    case .decideDrafts(let publish, let at):
      try handle.execute(
        "UPDATE replies SET state = ?, published_at = ? WHERE message_id = ? AND state = ?",
        [
          .text((publish ? ReplyState.published : .sentBack).rawValue), publish ? at.sqliteValue : .null,
          .text(messageID.uuidString), .text(ReplyState.draft.rawValue),
        ])
    case .replyImage(let image, let replyID, let at):
      let next = try handle.query(
        "SELECT COALESCE(MAX(position), -1) + 1 AS n FROM attachments WHERE message_id = ?",
        [.text(messageID.uuidString)])
      let position: Int = if case .integer(let n)? = next.first?["n"] { Int(n) } else { 0 }
      try handle.insert(
        AttachmentRecord(image, messageID: messageID, position: position, at: at, replyID: replyID),
        into: AttachmentRecord.schema)
    case .replaceDraft(let reply):
      try handle.execute(
        "UPDATE replies SET state = ? WHERE message_id = ? AND state = ?",
        [.text(ReplyState.revised.rawValue), .text(messageID.uuidString), .text(ReplyState.draft.rawValue)])
      try handle.insert(ReplyRecord(reply, messageID: messageID), into: ReplyRecord.schema)
    case .evaluation(let evaluation):
      try handle.insert(EvaluationRecord(evaluation, messageID: messageID), into: EvaluationRecord.schema)
    case .thanks(let letter):
      try handle.insert(ThanksRecord(letter), into: ThanksRecord.schema)
    case .statement(let statement):
      try handle.run(statement)
    }
  }

  func messageWithTip(_ id: UUID) async throws -> (message: Message, tip: ChainTip)? {
    try await readers.run { handle in try handle.snapshot { try handle.messageWithTip("id", .text(id.uuidString)) } }
  }

  func message(trackingHash: String) async throws -> Message? {
    try await readers.run { handle in
      try handle.snapshot { try handle.messageWithTip("tracking_hash", .text(trackingHash))?.message }
    }
  }

  func message(serial: Serial) async throws -> Message? {
    try await readers.run { handle in
      try handle.snapshot {
        try handle.records(
          MessageRecord.self, "SELECT * FROM messages WHERE serial_year = ? AND serial_number = ?",
          [.integer(Int64(serial.year)), .integer(Int64(serial.number))]
        ).first.map { try handle.message($0) }
      }
    }
  }

  func mergedInto(_ id: UUID) async throws -> UUID? {
    try await readers.run { handle in
      guard
        case .text(let text)? = try handle.query(
          "SELECT merged_into_id FROM messages WHERE id = ?",
          [
            .text(id.uuidString)
          ]
        ).first?["merged_into_id"]
      else { return nil }
      return UUID(uuidString: text)
    }
  }

  func events(of messageID: UUID) async throws -> [Event] {
    try await readers.run { try $0.events(of: messageID) }
  }

  func caseFile(_ id: UUID) async throws -> CaseFile? {
    try await readers.run { handle in
      try handle.snapshot {
        guard let message = try handle.messageWithTip("id", .text(id.uuidString))?.message else { return nil }
        return CaseFile(
          message: message, events: try handle.events(of: id),
          replies: try handle.replies(of: id, state: .published).compactMap(\.published))
      }
    }
  }

  func replies(of messageID: UUID, state: ReplyState) async throws -> [StoredReply] {
    try await readers.run { try $0.replies(of: messageID, state: state) }
  }

  func saveWorkingReply(_ reply: ReplyRow, of messageID: UUID) async throws {
    try await writer.grouped { handle in
      try handle.execute(
        "DELETE FROM replies WHERE message_id = ? AND unit_id = ? AND state = ?",
        [.text(messageID.uuidString), .text(reply.unitID.uuidString), .text(ReplyState.working.rawValue)])
      try handle.insert(ReplyRecord(reply, messageID: messageID), into: ReplyRecord.schema)
    }
  }

  func suggestions(for messageIDs: [UUID]) async throws -> [UUID: CategorySuggestion] {
    guard !messageIDs.isEmpty else { return [:] }
    return try await readers.run { handle in
      let records = try handle.records(
        SuggestionRecord.self,
        "SELECT * FROM message_suggestions WHERE message_id IN (\(SQLiteHandle.placeholders(messageIDs.count)))",
        messageIDs.map { .text($0.uuidString) }, cached: false)
      return Dictionary(records.map { ($0.messageID, $0.core) }, uniquingKeysWith: { first, _ in first })
    }
  }

  func attachments(of messageID: UUID) async throws -> [AttachmentInfo] {
    try await readers.run { handle in
      try handle.records(
        AttachmentInfoRecord.self,
        """
        SELECT id, content_type, byte_count, hidden, reply_id FROM attachments
        WHERE message_id = ? AND reply_id IS NULL ORDER BY position
        """,
        [.text(messageID.uuidString)]
      ).map(\.core)
    }
  }

  func replyAttachments(of messageID: UUID) async throws -> [(replyID: UUID, image: AttachmentInfo)] {
    try await readers.run { handle in
      try handle.records(
        AttachmentInfoRecord.self,
        """
        SELECT id, content_type, byte_count, hidden, reply_id FROM attachments
        WHERE message_id = ? AND reply_id IS NOT NULL ORDER BY position
        """,
        [.text(messageID.uuidString)]
      ).compactMap { record in record.replyID.map { ($0, record.core) } }
    }
  }

  func attachment(_ id: UUID) async throws -> Attachment? {
    try await readers.run { handle in
      try handle.records(AttachmentRecord.self, "SELECT * FROM attachments WHERE id = ?", [.text(id.uuidString)])
        .first?.core
    }
  }

  func evaluation(of messageID: UUID) async throws -> StoredEvaluation? {
    try await readers.run { handle in
      try handle.records(
        EvaluationRecord.self, "SELECT * FROM evaluations WHERE message_id = ? ORDER BY created_at DESC LIMIT 1",
        [.text(messageID.uuidString)]
      ).first?.core
    }
  }

  func thanksLetter(of messageID: UUID) async throws -> ThanksLetter? {
    try await readers.run { handle in
      try handle.records(
        ThanksRecord.self, "SELECT * FROM thanks_letters WHERE message_id = ?", [.text(messageID.uuidString)]
      ).first?.core
    }
  }
}
