import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// `CaseStorage` on PostgreSQL (and on SQLite through Fluent's connection): one SQL transaction per
/// intake or change, statements through SQLKit.
struct SQLCaseStorage: CaseStorage {
  let connection: SQLConnection

  func receive(_ intake: ReceivedCase) async throws -> Message {
    let postgres = connection.database.location.isPostgres
    if postgres { try await connection.ensureSerialSequence(intake.message.serial.year) }
    return try await connection.grouped { sql in
      try await sql.count(intake.limits, at: intake.message.createdAt)
      var message = intake.message
      let received = EventDraft.received(message, by: intake.actor)
      if postgres {
        // Numbered from sequences and sealed into the global chain afterwards (`PostgresChain`).
        let (event, tip) = AuditChain.seal(
          received, id: intake.eventID, sequence: try await sql.nextSequence(), at: nil, after: .empty)
        message.serial.number = try await Self.insertPostgres(
          MessageRecord(message, trackingHash: intake.trackingHash, chainTip: tip, fingerprint: intake.fingerprint),
          event: EventRecord(event, position: nil), on: sql)
      } else {
        let place = try await sql.claimChainPlace()
        let (event, tip) = AuditChain.seal(
          received, id: intake.eventID, sequence: place.position, at: place, after: .empty)
        message.serial.number = try await Self.insertNumbered(
          MessageRecord(message, trackingHash: intake.trackingHash, chainTip: tip, fingerprint: intake.fingerprint),
          on: sql)
        try await sql.insert(EventRecord(event, position: place.position), into: EventRecord.schema)
        // On PostgreSQL the intake's one statement has queued it already.
        try await sql.run(SearchStatements.queue(message.id, version: message.version))
      }
      for (position, image) in intake.images.enumerated() {
        try await sql.insert(
          AttachmentRecord(image, messageID: message.id, position: position, at: message.createdAt),
          into: AttachmentRecord.schema)
      }
      if let suggestion = intake.suggestion { try await sql.insert(suggestion, into: SuggestionRecord.schema) }
      for statement in intake.statements { try await sql.run(statement) }
      return message
    }
  }

  /// Stores a batch of whole cases in one transaction. On PostgreSQL the batch holds the chain's
  /// head: it seals whatever other writers committed, then its own events as it writes them.
  func load(_ batch: [LoadedCase]) async throws -> [Message] {
    guard !batch.isEmpty else { return [] }
    let postgres = connection.database.location.isPostgres
    let years = SealedLoad.yearCounts(batch)
    if postgres { for year in years.keys { try await connection.ensureSerialSequence(year) } }
    return try await connection.transaction { sql in
      let count = SealedLoad.eventCount(batch)
      let sealed: SealedLoad
      if postgres {
        guard let (_, place) = try await sql.sealPending(limit: nil, wait: true) else {
          throw StoreError.internal("the audit head row is missing")
        }
        var numbers: [Int: [Int]] = [:]
        for (year, count) in years { numbers[year] = try await sql.nextSerials(year: year, count: count) }
        sealed = try SealedLoad(
          batch, sequences: try await sql.nextSequences(count), from: place, numbers: numbers, postgres: true)
        try await sql.raw(
          """
          UPDATE audit_head SET last_seq = \(bind: place.position - 1 + Int64(count)) WHERE id = \(bind: AuditHead.rowID)
          """
        ).run()
      } else {
        let place = try await sql.claimChainPlace(count: count)
        sealed = try SealedLoad(
          batch, sequences: Array(place.position..<place.position + Int64(count)), from: place,
          numbers: SealedLoad.numbers(batch, after: try await sql.highestSerials(Set(years.keys))), postgres: false)
      }
      try await sql.insert(sealed.records, into: MessageRecord.schema)
      try await sql.insert(
        sealed.assisting.map {
          AssistingRecord(id: $0.row.id, message_id: $0.messageID, unit_id: $0.row.unitID, position: $0.row.position)
        },
        into: "message_assisting_units")
      try await sql.insert(sealed.replies, into: ReplyRecord.schema)
      try await sql.insert(sealed.evaluations, into: EvaluationRecord.schema)
      try await sql.insert(sealed.events, into: EventRecord.schema)
      for statement in sealed.search { try await sql.run(statement) }
      try await sql.insert(sealed.suggestions, into: SuggestionRecord.schema)
      for attachment in sealed.attachments { try await sql.insert(attachment, into: AttachmentRecord.schema) }
      try await sql.insert(sealed.imported, into: ImportedRecordRow.schema)
      return sealed.messages
    }
  }

  /// An assisting unit's row as a record, for inserts many to a statement.
  private struct AssistingRecord: Encodable {
    var id: UUID
    var message_id: UUID
    var unit_id: UUID
    var position: Int
  }

  /// Inserts a new message's row numbered from its year's sequence, its first event and its place in
  /// the search queue, in one statement; returns the serial number.
  static func insertPostgres(_ record: MessageRecord, event: EventRecord, on sql: any SQLDatabase) async throws -> Int {
    let encoder = SQLQueryEncoder(nilEncodingStrategy: .asNil)
    return try await PostgresIntakeStatement.run(
      message: try encoder.encode(record), event: try encoder.encode(event),
      serialSequence: PostgresChain.serialSequence(record.serialYear), id: record.id, version: record.version, on: sql)
  }

  /// Inserts a message row and returns its serial number, one more than the year's highest, taken
  /// inside the INSERT from the unique (year, number) index while the caller holds the audit head
  /// (SQLite through Fluent's connection; PostgreSQL numbers from a sequence).
  static func insertNumbered(_ record: MessageRecord, on sql: any SQLDatabase) async throws -> Int {
    var columns: [String] = []
    var values: [any SQLExpression] = []
    for (column, value) in try SQLQueryEncoder(nilEncodingStrategy: .asNil).encode(record) {
      columns.append(column)
      values.append(
        column == "serial_number"
          ? SQLQueryString(
            "(SELECT COALESCE(MAX(serial_number), 0) + 1 FROM messages WHERE serial_year = \(bind: record.serialYear))")
          : value)
    }
    let row = try await sql.insert(into: MessageRecord.schema).columns(columns).values(values)
      .returning("serial_number").first()
    guard let row else { throw StoreError.internal("the new message's row returned no serial") }
    return try row.decode(column: "serial_number", as: Int.self)
  }

  func apply(_ change: CaseChange) async throws {
    let postgres = connection.database.location.isPostgres
    // Instances that keep public stamps hear of the change when it commits; this one drops its own
    // at once (`PostgresStamps`).
    defer { if postgres { connection.database.stamps?.changed(change.before.id) } }
    try await connection.grouped { sql in
      if let key = change.jobKey {
        let claimed = try await sql.raw(
          """
          INSERT INTO job_runs (message_id, job_key, done_at)
          VALUES (\(bind: change.before.id), \(bind: key), \(bind: change.event.at))
          ON CONFLICT (message_id, job_key) DO NOTHING RETURNING job_key
          """
        ).all()
        guard !claimed.isEmpty else { throw StoreError.alreadyDone }
      }
      // On PostgreSQL the event is numbered from `events_seq` and sealed afterwards (`PostgresChain`).
      let place = postgres ? nil : try await sql.claimChainPlace()
      let sequence: Int64
      if let place { sequence = place.position } else { sequence = try await sql.nextSequence() }
      let (event, tip) = AuditChain.seal(
        change.event, id: change.eventID, sequence: sequence, at: place, after: change.tip)
      try await Self.compareAndSwap(change.before, to: change.after, tip: tip, on: sql)
      if postgres {
        try await sql.raw(
          "SELECT pg_notify(\(bind: PostgresStamps.channel), \(bind: change.before.id.uuidString))"
        ).run()
      }
      if let assisting = change.assisting {
        try await sql.delete(from: "message_assisting_units").where("message_id", .equal, change.before.id).run()
        for row in assisting {
          try await sql.insert(into: "message_assisting_units").columns("id", "message_id", "unit_id", "position")
            .values(SQLBind(row.id), SQLBind(change.before.id), SQLBind(row.unitID), SQLBind(row.position)).run()
        }
      }
      for row in change.rows { try await Self.write(row, of: change.before.id, on: sql) }
      for notice in change.notices { try await sql.enqueue(notice) }
      if change.changesSearch {
        try await sql.run(SearchStatements.queue(change.after.id, version: change.after.version))
      }
      try await sql.insert(EventRecord(event, position: place?.position), into: EventRecord.schema)
    }
  }

  /// Writes the new state and chain tip only if the row still has the version the change started
  /// from; the version also guards the tip, since every event comes with a new version.
  static func compareAndSwap(_ old: Message, to new: Message, tip: ChainTip, on sql: any SQLDatabase) async throws {
    let rows = try await sql.update(MessageRecord.schema)
      .set("status", to: new.status.rawValue)
      .set("closure", to: new.closure?.rawValue)
      .set("urgent", to: new.urgent)
      .set("lead_unit_id", to: new.leadUnitID)
      .set("reply_needs_review", to: new.replyNeedsReview)
      .set("acceptance_due", to: new.acceptanceDue)
      .set("reply_due", to: new.replyDue)
      .set("merged_into_id", to: new.mergedIntoID)
      .set("publication", to: new.publication.rawValue)
      .set("public_title", to: new.publicTitle)
      .set("public_body", to: new.publicBody)
      .set("public_address", to: new.publicAddress)
      .set("version", to: new.version)
      .set("event_count", to: tip.count)
      .set("last_event_hash", to: tip.hash)
      .set("updated_at", to: new.updatedAt)
      .where("id", .equal, old.id)
      .where("version", .equal, old.version)
      .returning("id")
      .all()
    guard rows.count == 1 else {
      let current = try await sql.messageRecord(old.id)?.version
      throw StoreError.conflict(messageID: old.id, expectedVersion: old.version, currentVersion: current)
    }
  }

  private static func write(_ row: SideRow, of messageID: UUID, on sql: any SQLDatabase) async throws {
    switch row {
    case .reply(let reply):
      try await sql.insert(ReplyRecord(reply, messageID: messageID), into: ReplyRecord.schema)
    case .decideDrafts(let publish, let at):
      try await sql.update(ReplyRecord.schema)
        .set("state", to: (publish ? ReplyState.published : .sentBack).rawValue)
        .set("published_at", to: publish ? at : nil)
        .where("message_id", .equal, messageID).where("state", .equal, ReplyState.draft.rawValue).run()
    case .replyImage(let image, let replyID, let at):
      struct Next: Decodable { var n: Int }
      let next = try await sql.raw(
        "SELECT COALESCE(MAX(position), -1) + 1 AS n FROM attachments WHERE message_id = \(bind: messageID)"
      ).first(decoding: Next.self)
      try await sql.insert(
        AttachmentRecord(image, messageID: messageID, position: next?.n ?? 0, at: at, replyID: replyID),
        into: AttachmentRecord.schema)
    case .replaceDraft(let reply):
      try await sql.update(ReplyRecord.schema).set("state", to: ReplyState.revised.rawValue)
        .where("message_id", .equal, messageID).where("state", .equal, ReplyState.draft.rawValue).run()
      try await sql.insert(ReplyRecord(reply, messageID: messageID), into: ReplyRecord.schema)
    case .evaluation(let evaluation):
      try await sql.insert(EvaluationRecord(evaluation, messageID: messageID), into: EvaluationRecord.schema)
    case .thanks(let letter):
      try await sql.insert(ThanksRecord(letter), into: ThanksRecord.schema)
    case .statement(let statement):
      try await sql.run(statement)
    }
  }

  func messageWithTip(_ id: UUID) async throws -> (message: Message, tip: ChainTip)? {
    try await connection.sql.messageWithTip(id)
  }

  func message(trackingHash: String) async throws -> Message? {
    try await messages("tracking_hash", .text(trackingHash)).first
  }

  func message(serial: Serial) async throws -> Message? {
    let sql = try connection.read
    let records = try await sql.select().column("*").from(MessageRecord.schema)
      .where("serial_year", .equal, serial.year).where("serial_number", .equal, serial.number)
      .all(decoding: MessageRecord.self)
    return try await sql.messages(records).first
  }

  private func messages(_ column: String, _ value: StoreValue) async throws -> [Message] {
    let sql = try connection.sql
    let records = try await sql.select().column("*").from(MessageRecord.schema).where(column, .equal, value.bind)
      .all(decoding: MessageRecord.self)
    return try await sql.messages(records)
  }

  func mergedInto(_ id: UUID) async throws -> UUID? {
    try await connection.sql.select().column("merged_into_id").from(MessageRecord.schema).where("id", .equal, id)
      .first(decodingColumn: "merged_into_id", as: UUID?.self) ?? nil
  }

  func events(of messageID: UUID) async throws -> [Event] {
    try await connection.read.select().column("*").from(EventRecord.schema).where("message_id", .equal, messageID)
      .orderBy("message_seq").all(decoding: EventRecord.self).compactMap(\.core)
  }

  func caseFile(_ id: UUID) async throws -> CaseFile? {
    guard let (message, _) = try await messageWithTip(id) else { return nil }
    return CaseFile(
      message: message, events: try await events(of: id),
      replies: try await replies(of: id, state: .published).compactMap(\.published))
  }

  func saveWorkingReply(_ reply: ReplyRow, of messageID: UUID) async throws {
    try await connection.transaction { sql in
      try await sql.delete(from: ReplyRecord.schema).where("message_id", .equal, messageID)
        .where("unit_id", .equal, reply.unitID).where("state", .equal, ReplyState.working.rawValue).run()
      try await sql.insert(ReplyRecord(reply, messageID: messageID), into: ReplyRecord.schema)
    }
  }

  func replies(of messageID: UUID, state: ReplyState) async throws -> [StoredReply] {
    try await connection.read.select().column("*").from(ReplyRecord.schema)
      .where("message_id", .equal, messageID).where("state", .equal, state.rawValue)
      .orderBy(state == .published ? "published_at" : "created_at").all(decoding: ReplyRecord.self)
      .compactMap(\.core)
  }

  func suggestions(for messageIDs: [UUID]) async throws -> [UUID: CategorySuggestion] {
    guard !messageIDs.isEmpty else { return [:] }
    let records = try await connection.read.select().column("*").from(SuggestionRecord.schema)
      .where("message_id", .in, messageIDs).all(decoding: SuggestionRecord.self)
    return Dictionary(records.map { ($0.messageID, $0.core) }, uniquingKeysWith: { first, _ in first })
  }

  func attachments(of messageID: UUID) async throws -> [AttachmentInfo] {
    try await connection.read.select().column("id").column("content_type").column("byte_count").column("hidden")
      .column("reply_id").from(AttachmentRecord.schema).where("message_id", .equal, messageID)
      .where(SQLColumn("reply_id"), .is, SQLLiteral.null).orderBy("position")
      .all(decoding: AttachmentInfoRecord.self).map(\.core)
  }

  func replyAttachments(of messageID: UUID) async throws -> [(replyID: UUID, image: AttachmentInfo)] {
    try await connection.read.select().column("id").column("content_type").column("byte_count").column("hidden")
      .column("reply_id").from(AttachmentRecord.schema).where("message_id", .equal, messageID)
      .where(SQLColumn("reply_id"), .isNot, SQLLiteral.null).orderBy("position")
      .all(decoding: AttachmentInfoRecord.self).compactMap { record in record.replyID.map { ($0, record.core) } }
  }

  func attachment(_ id: UUID) async throws -> Attachment? {
    try await connection.sql.select().column("*").from(AttachmentRecord.schema).where("id", .equal, id)
      .first(decoding: AttachmentRecord.self)?.core
  }

  func evaluation(of messageID: UUID) async throws -> StoredEvaluation? {
    try await connection.sql.select().column("*").from(EvaluationRecord.schema).where("message_id", .equal, messageID)
      .orderBy("created_at", .descending).first(decoding: EvaluationRecord.self)?.core
  }

  func thanksLetter(of messageID: UUID) async throws -> ThanksLetter? {
    try await connection.sql.select().column("*").from(ThanksRecord.schema).where("message_id", .equal, messageID)
      .first(decoding: ThanksRecord.self)?.core
  }
}

extension StoreValue {
  /// The value as SQLKit binds it.
  var bind: any SQLExpression {
    switch self {
    case .null: SQLLiteral.null
    case .text(let value): SQLBind(value)
    case .integer(let value): SQLBind(value)
    case .real(let value): SQLBind(value)
    case .bool(let value): SQLBind(value)
    case .uuid(let value): SQLBind(value)
    case .date(let value): SQLBind(value)
    case .blob(let value): SQLBind(value)
    }
  }
}
