import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// `JobStorage` through SQLKit, on both databases: leases, the outbox, and the scheduled jobs' reads
/// (a few statements a minute).
struct SQLJobStorage: JobStorage {
  let connection: SQLConnection

  func acquireLease(_ name: String, holder: String, until: Date, at now: Date) async throws -> Bool {
    let sql = try connection.sql
    try await sql.raw(
      """
      INSERT INTO job_leases (name, holder, expires_at) VALUES (\(bind: name), \(bind: holder), \(bind: until))
      ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
      WHERE job_leases.expires_at < \(bind: now) OR job_leases.holder = excluded.holder
      """
    ).run()
    let current = try await sql.select().column("holder").from("job_leases").where("name", .equal, name)
      .first(decodingColumn: "holder", as: String.self)
    return current == holder
  }

  func releaseLease(_ name: String, holder: String, at now: Date) async throws {
    try await connection.sql.update("job_leases").set("expires_at", to: now).where("name", .equal, name)
      .where("holder", .equal, holder).run()
  }

  func messagesDue(before: Date, limit: Int) async throws -> [Message] {
    let runner = SQLStatementRunner(connection: connection)
    return try await runner.messages(
      runner.due(MessageRecord.self, from: nil, before: before, leadUnit: nil, limit: limit, offset: 0))
  }

  func repliedUnevaluated(before cutoff: Date, limit: Int) async throws -> [(Message, Date)] {
    let sql = try connection.sql
    let rows = try await sql.raw(
      """
      SELECT m.*, r.replied_at FROM messages m
      JOIN (SELECT message_id, MAX(published_at) AS replied_at FROM replies WHERE state = 'published'
            GROUP BY message_id) r ON r.message_id = m.id
      WHERE m.status = \(bind: Status.replied.rawValue) AND r.replied_at < \(bind: cutoff)
      ORDER BY r.replied_at LIMIT \(bind: limit)
      """
    ).all()
    let records = try rows.map { try $0.decode(model: MessageRecord.self) }
    let dates = try rows.map { try $0.decode(column: "replied_at", as: Date.self) }
    return Array(zip(try await sql.messages(records), dates))
  }

  func enqueue(_ row: OutboxRow) async throws {
    try await connection.sql.enqueue(row)
  }

  func outbox(recipients: [String]?, limit: Int) async throws -> [OutboxMessage] {
    let query = try connection.read.select().column("*").from("outbox")
    if let recipients { query.where("recipient", .in, recipients) }
    return try await query.orderBy("created_at", .descending).limit(limit).all(decoding: OutboxRecord.self).map(\.core)
  }

  func readNotices(_ ids: [UUID], by username: String) async throws -> Set<UUID> {
    guard !ids.isEmpty else { return [] }
    let rows = try await connection.read.select().column("outbox_id").from("notice_reads")
      .where("username", .equal, username).where("outbox_id", .in, ids).all(decoding: NoticeReadRow.self)
    return Set(rows.map(\.outbox_id))
  }

  func markNoticesRead(_ ids: [UUID], by username: String, at now: Date) async throws {
    guard !ids.isEmpty else { return }
    try await connection.transaction { sql in
      for id in ids {
        try await sql.raw(
          """
          INSERT INTO notice_reads (outbox_id, username, read_at) VALUES (\(bind: id), \(bind: username), \(bind: now))
          ON CONFLICT (outbox_id, username) DO NOTHING
          """
        ).run()
      }
    }
  }

  func waitingNotices(channels: [String], at now: Date, limit: Int) async throws -> [OutboxMessage] {
    try await connection.sql.select().column("*").from("outbox").where("sent_at", .is, SQLLiteral.null)
      .where("failed_at", .is, SQLLiteral.null).where("channel", .in, channels)
      .where { $0.where("next_attempt_at", .is, SQLLiteral.null).orWhere("next_attempt_at", .lessThanOrEqual, now) }
      .orderBy("created_at").limit(limit).all(decoding: OutboxRecord.self).map(\.core)
  }

  func claimNotice(_ id: UUID, at now: Date) async throws -> Bool {
    !(try await connection.sql.raw(
      """
      UPDATE outbox SET sent_at = \(bind: now), attempts = attempts + 1
      WHERE id = \(bind: id) AND sent_at IS NULL RETURNING id
      """
    ).all().isEmpty)
  }

  func releaseNotice(_ id: UUID, error: String, retryAt: Date?, at now: Date) async throws {
    try await connection.sql.update("outbox").set("sent_at", to: SQLLiteral.null).set("last_error", to: error)
      .set("next_attempt_at", to: SQLBind(retryAt)).set(
        "failed_at", to: retryAt == nil ? SQLBind(now) : SQLBind(Date?.none)
      )
      .where("id", .equal, id).run()
  }

  func webhookCursor() async throws -> Int64 {
    try await connection.sql.select().column("position").from("webhook_cursor").where("id", .equal, 1)
      .first(decodingColumn: "position", as: Int64.self) ?? 0
  }

  func sealedHead() async throws -> Int64 {
    try await connection.sql.raw("SELECT COALESCE(MAX(chain_pos), 0) AS head FROM events").first(
      decodingColumn: "head", as: Int64.self) ?? 0
  }

  func webhookEvents(after position: Int64, limit: Int) async throws -> [WebhookEventRow] {
    try await connection.sql.raw(
      """
      SELECT e.chain_pos, e.id, e.message_id, e.action, e.to_status, e.visibility, e.at_ms, m.serial_year,
        m.serial_number
      FROM events e JOIN messages m ON m.id = e.message_id
      WHERE e.chain_pos > \(bind: position) ORDER BY e.chain_pos LIMIT \(bind: limit)
      """
    ).all(decoding: WebhookEventRow.self)
  }

  func advanceWebhookCursor(from old: Int64, to new: Int64, deliveries: [OutboxRow]) async throws -> Bool {
    try await connection.transaction { sql in
      let moved = try await sql.raw(
        "UPDATE webhook_cursor SET position = \(bind: new) WHERE id = 1 AND position = \(bind: old) RETURNING id"
      ).all()
      guard !moved.isEmpty else { return false }
      for delivery in deliveries { try await sql.enqueue(delivery) }
      return true
    }
  }
}

/// A row of `outbox`.
struct NoticeReadRow: Decodable, Sendable {
  var outbox_id: UUID
}

struct OutboxRecord: Decodable, Sendable {
  var id: UUID
  var channel: String
  var recipient: String
  var body: String
  var created_at: Date
  var sent_at: Date?
  var attempts: Int
  var message_id: UUID?
  var last_error: String?
  var failed_at: Date?

  var core: OutboxMessage {
    OutboxMessage(
      id: id, channel: channel, recipient: recipient, body: body, createdAt: created_at, sentAt: sent_at,
      attempts: attempts, messageID: message_id, lastError: last_error, failedAt: failed_at)
  }
}

/// `AuditStorage` through SQLKit, on both databases (verification reads every event once).
struct SQLAuditStorage: AuditStorage {
  let connection: SQLConnection

  func events(after position: Int64, limit: Int) async throws -> [EventRecord] {
    try await connection.sql.select().column("*").from(EventRecord.schema)
      .where("chain_pos", .greaterThan, position).orderBy("chain_pos").limit(limit).all(decoding: EventRecord.self)
  }

  func unsealedEvents(after sequence: Int64, beyond head: Int64, limit: Int) async throws -> [EventRecord] {
    try await connection.sql.select().column("*").from(EventRecord.schema)
      .where { $0.where("chain_pos", .is, SQLLiteral.null).orWhere("chain_pos", .greaterThan, head) }
      .where("seq", .greaterThan, sequence).orderBy("seq").limit(limit).all(decoding: EventRecord.self)
  }

  func seal(limit: Int, wait: Bool) async throws -> Int {
    guard connection.database.location.isPostgres else { return 0 }
    return try await connection.transaction { sql in
      try await sql.sealPending(limit: limit, wait: wait)?.sealed ?? 0
    }
  }

  func messageTips(offset: Int, limit: Int) async throws -> [(id: UUID, serial: Serial, tip: ChainTip)] {
    try await connection.sql.select().column("id").column("serial_year").column("serial_number")
      .column("event_count").column("last_event_hash").from(MessageRecord.schema).orderBy("id")
      .limit(limit).offset(offset).all(decoding: TipRow.self)
      .map {
        (
          $0.id, Serial(year: $0.serial_year, number: $0.serial_number),
          ChainTip(count: $0.event_count, hash: $0.last_event_hash)
        )
      }
  }

  func auditHead() async throws -> Int64? {
    try await connection.sql.select().column("last_seq").from("audit_head").where("id", .equal, AuditHead.rowID)
      .first(decodingColumn: "last_seq", as: Int64.self)
  }
}

private struct TipRow: Decodable {
  var id: UUID
  var serial_year: Int
  var serial_number: Int
  var event_count: Int
  var last_event_hash: String
}
