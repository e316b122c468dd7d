import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// The outcome of checking the audit chains.
public struct AuditReport: Sendable, Equatable {
  /// The first event that does not match its chains, and why.
  public struct Break: Sendable, Equatable {
    public var sequence: Int64
    public var eventID: UUID?
    public var reason: String
  }

  public var eventCount: Int
  public var firstBreak: Break?

  public var isIntact: Bool { firstBreak == nil }

  public init(eventCount: Int, firstBreak: Break?) {
    self.eventCount = eventCount
    self.firstBreak = firstBreak
  }
}

/// The last event of one message's chain: how many events it has and the last hash.
struct ChainTip: Sendable, Equatable {
  var count: Int
  var hash: String

  /// A message with no events yet.
  static let empty = ChainTip(count: 0, hash: AuditChain.genesis)
}

/// A claimed place in the global chain.
struct ChainPlace: Sendable, Equatable {
  var sequence: Int64
  var previousChainHash: String

  /// The place after the event whose chain hash is `previousHash`; only the first event has none.
  init(sequence: Int64, previousHash: String?) throws {
    guard sequence == 1 || previousHash != nil else { throw StoreError.notFound("审计链上的前一个事件") }
    self.sequence = sequence
    self.previousChainHash = previousHash ?? AuditChain.genesis
  }
}

extension Store {
  /// Claims the next place in the global chain inside the caller's transaction: the sequence number
  /// and the previous event's chain hash.
  ///
  /// Every writing transaction calls this first. It updates the single audit-head row, which takes
  /// the write lock on it: appends from concurrent transactions queue there, so the global chain
  /// never forks, on either database, and no two transactions wait on each other in a cycle.
  func claimChainPlace(on tx: any Database) async throws -> ChainPlace {
    guard let sql = tx as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    let rowID = AuditHeadModel.rowID
    if !database.location.isPostgres {
      // SQLite: this store's only connection runs one statement at a time, so one statement can
      // take the next sequence and read the previous event's hash.
      let head = try await sql.raw(
        """
        UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = \(bind: rowID)
        RETURNING last_seq, (SELECT e.chain_hash FROM events e WHERE e.seq = audit_head.last_seq - 1) AS previous_hash
        """
      ).first()
      guard let head else { throw StoreError.notFound("审计链头") }
      return try ChainPlace(
        sequence: head.decode(column: "last_seq", as: Int64.self),
        previousHash: head.decode(column: "previous_hash", as: String?.self))
    }
    let head = try await sql.raw(
      "UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = \(bind: rowID) RETURNING last_seq"
    ).first()
    guard let head else { throw StoreError.notFound("审计链头") }
    let sequence = try head.decode(column: "last_seq", as: Int64.self)
    // PostgreSQL: a separate statement on purpose. A statement that waited for the head's lock still
    // reads with the snapshot it started with, which may not hold the previous event yet.
    let previous = try await sql.raw("SELECT chain_hash FROM events WHERE seq = \(bind: sequence - 1)").first()
    return try ChainPlace(sequence: sequence, previousHash: previous?.decode(column: "chain_hash", as: String.self))
  }

  /// The event at its claimed place, hashed into both chains, and the message's new chain tip.
  func seal(_ draft: EventDraft, at place: ChainPlace, after tip: ChainTip) -> (Event, ChainTip) {
    let messageSequence = tip.count + 1
    let canonical = AuditChain.canonicalEncoding(
      sequence: place.sequence, messageSequence: messageSequence, draft: draft)
    let event = Event(
      id: ids.newID(), sequence: place.sequence, messageSequence: messageSequence, draft: draft,
      messageHash: Hashing.chain(previous: tip.hash, canonical: canonical),
      chainHash: Hashing.chain(previous: place.previousChainHash, canonical: canonical))
    return (event, ChainTip(count: messageSequence, hash: event.messageHash))
  }

  /// Stores a sealed event.
  func insert(_ event: Event, on tx: any Database) async throws {
    try await Self.sql(tx).insert(into: EventRecord.schema).model(EventRecord(event), nilEncodingStrategy: .asNil).run()
  }

  /// The history of a message, oldest first.
  public func events(of messageID: UUID) async throws -> [Event] {
    if let readers = database.sqliteReaders {
      return try await readers.run { try Self.events(of: messageID, on: $0) }
    }
    return try await Self.sql(readDB).select().column("*").from(EventRecord.schema).where(
      "message_id", .equal, messageID
    )
    .orderBy("message_seq").all(decoding: EventRecord.self).compactMap(\.core)
  }

  /// Recomputes both chains over every stored event and compares them with the stored hashes and
  /// with the chain head; reports the first event that does not match.
  ///
  /// Catches an edited field (the hashes no longer match), a deleted or inserted event (a gap in
  /// the global or a message's sequence) and a truncated tail (the head is ahead of the last event).
  public func verifyAudit(batchSize: Int = 5_000) async throws -> AuditReport {
    var chainHash = AuditChain.genesis
    var lastByMessage: [UUID: (Int, String)] = [:]
    var expected: Int64 = 1
    var count = 0
    var after: Int64 = 0
    while true {
      let batch = try await Self.sql(db).select().column("*").from(EventRecord.schema).where("seq", .greaterThan, after)
        .orderBy("seq").limit(batchSize).all(decoding: EventRecord.self)
      if batch.isEmpty { break }
      for model in batch {
        func broken(_ reason: String) -> AuditReport {
          AuditReport(eventCount: count, firstBreak: .init(sequence: model.sequence, eventID: model.id, reason: reason))
        }
        guard model.sequence == expected else {
          return broken("全局序号应为 \(expected)，实为 \(model.sequence)（事件缺失或被插入）")
        }
        guard let draft = model.draft else { return broken("事件字段含无法识别的值") }
        let (lastSequence, lastHash) = lastByMessage[model.messageID] ?? (0, AuditChain.genesis)
        guard model.messageSequence == lastSequence + 1 else {
          return broken("留言内序号应为 \(lastSequence + 1)，实为 \(model.messageSequence)")
        }
        if model.payload != EventRecord.encodePayload(draft.payload) { return broken("附加数据被改动") }
        let canonical = AuditChain.canonicalEncoding(
          sequence: model.sequence, messageSequence: model.messageSequence, draft: draft)
        let messageHash = Hashing.chain(previous: lastHash, canonical: canonical)
        chainHash = Hashing.chain(previous: chainHash, canonical: canonical)
        guard messageHash == model.messageHash else { return broken("留言链哈希不符（事件内容被改动）") }
        guard chainHash == model.chainHash else { return broken("全局链哈希不符（事件内容被改动）") }
        lastByMessage[model.messageID] = (model.messageSequence, messageHash)
        expected += 1
        count += 1
        after = model.sequence
      }
    }
    guard let head = try await AuditHeadModel.find(AuditHeadModel.rowID, on: db) else {
      return AuditReport(eventCount: count, firstBreak: .init(sequence: expected, eventID: nil, reason: "缺少审计链头"))
    }
    if head.lastSequence != Int64(count) {
      return AuditReport(
        eventCount: count,
        firstBreak: .init(
          sequence: Int64(count) + 1, eventID: nil,
          reason: "链头记录 \(head.lastSequence) 个事件，实有 \(count) 个（尾部事件被删除或链头被改动）"))
    }
    // Each message row carries the tip of its chain; a deleted last event of a message shows here.
    var page = 0
    while true {
      let messages = try await Self.sql(db).select().column("*").from(MessageRecord.schema).orderBy("id")
        .limit(batchSize).offset(page * batchSize).all(decoding: MessageRecord.self)
      if messages.isEmpty { break }
      for message in messages {
        let (lastSequence, lastHash) = lastByMessage[message.id] ?? (0, AuditChain.genesis)
        if message.eventCount != lastSequence || message.lastEventHash != lastHash {
          return AuditReport(
            eventCount: count,
            firstBreak: .init(
              sequence: Int64(count) + 1, eventID: nil,
              reason:
                "留言 \(message.serialYear)-\(message.serialNumber) 记录 \(message.eventCount) 个事件，链上实有 \(lastSequence) 个"))
        }
      }
      page += 1
    }
    return AuditReport(eventCount: count, firstBreak: nil)
  }
}
