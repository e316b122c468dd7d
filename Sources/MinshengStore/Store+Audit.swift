import Foundation
import MinshengCore

/// The outcome of checking the audit chains.
public struct AuditReport: Sendable, Equatable {
  /// The first event that does not match its chains, and why.
  public struct Break: Sendable, Equatable {
    public var sequence: Int64
    public var eventID: UUID?
    public var reason: LocalizedText
  }

  /// The events checked (before the first break, when there is one).
  public var eventCount: Int
  /// How many of them are not sealed into the global chain yet (PostgreSQL seals shortly after a
  /// commit); each was checked against its message's chain.
  public var unsealedCount: Int
  public var firstBreak: Break?

  public var isIntact: Bool { firstBreak == nil }

  public init(eventCount: Int, unsealedCount: Int = 0, firstBreak: Break?) {
    self.eventCount = eventCount
    self.unsealedCount = unsealedCount
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

/// A place in the global chain: where the next sealed event goes, after the hash of the one before.
struct ChainPlace: Sendable, Equatable {
  /// The place, from 1, without gaps.
  var position: Int64
  var previousChainHash: String

  /// The place after the event whose chain hash is `previousHash`; only the first place has none.
  init(position: Int64, previousHash: String?) throws {
    guard position == 1 || previousHash != nil else {
      throw StoreError.internal("the event before place \(position) of the audit chain is missing")
    }
    self.position = position
    self.previousChainHash = previousHash ?? AuditChain.genesis
  }

  /// The place after an event sealed here with `hash`.
  func next(after hash: String) -> ChainPlace {
    // Safe: a following place always has a previous hash.
    ChainPlace(unchecked: position + 1, previousChainHash: hash)
  }

  private init(unchecked position: Int64, previousChainHash: String) {
    self.position = position
    self.previousChainHash = previousChainHash
  }
}

/// The single row that counts the events of the global audit chain (migration 0011): how many are
/// sealed into it.
enum AuditHead {
  static let rowID = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
}

extension AuditChain {
  /// The event with sequence number `sequence`, hashed into its message's chain and, when it is
  /// sealed as it is written (`place`), into the global chain; and the message's new chain tip.
  static func seal(
    _ draft: EventDraft, id: UUID, sequence: Int64, at place: ChainPlace?, after tip: ChainTip
  ) -> (Event, ChainTip) {
    let messageSequence = tip.count + 1
    let canonical = canonicalEncoding(sequence: sequence, messageSequence: messageSequence, draft: draft)
    let event = Event(
      id: id, sequence: sequence, messageSequence: messageSequence, draft: draft,
      messageHash: Hashing.chain(previous: tip.hash, canonical: canonical),
      chainHash: place.map { Hashing.chain(previous: $0.previousChainHash, canonical: canonical) })
    return (event, ChainTip(count: messageSequence, hash: event.messageHash))
  }
}

extension Store {
  /// The history of a message, oldest first.
  public func events(of messageID: UUID) async throws -> [Event] {
    try await cases.events(of: messageID)
  }

  /// Recomputes both chains over every stored event and compares them with the stored hashes and
  /// with the chain head; reports the first event that does not match.
  ///
  /// Catches an edited field (the hashes no longer match), a deleted or inserted event (a gap in
  /// the global chain's places or a message's sequence), a truncated tail (the head is ahead of the
  /// last sealed event) and a message's deleted last events (its row's chain tip). Events not sealed
  /// into the global chain yet are checked against their messages' chains and counted.
  public func verifyAudit(batchSize: Int = 5_000) async throws -> AuditReport {
    var chainHash = AuditChain.genesis
    var lastByMessage: [UUID: (Int, String)] = [:]
    var expected: Int64 = 1
    var count = 0
    var unsealed = 0
    func broken(_ record: EventRecord, _ reason: LocalizedText) -> AuditReport {
      AuditReport(
        eventCount: count, unsealedCount: unsealed,
        firstBreak: .init(sequence: record.sequence, eventID: record.id, reason: reason))
    }
    /// Checks an event against its message's chain and gives its canonical encoding; returns the
    /// break, if any.
    func check(_ record: EventRecord, canonical: inout String) -> AuditReport? {
      guard let draft = record.draft else { return broken(record, LocalizedText("audit_unknown_value")) }
      let (lastSequence, lastHash) = lastByMessage[record.messageID] ?? (0, AuditChain.genesis)
      guard record.messageSequence == lastSequence + 1 else {
        return broken(
          record,
          LocalizedText(
            "audit_message_sequence",
            ["expected": .number(lastSequence + 1), "actual": .number(record.messageSequence)]))
      }
      if record.payload != EventRecord.encodePayload(draft.payload) {
        return broken(record, LocalizedText("audit_payload_changed"))
      }
      canonical = AuditChain.canonicalEncoding(
        sequence: record.sequence, messageSequence: record.messageSequence, draft: draft)
      let messageHash = Hashing.chain(previous: lastHash, canonical: canonical)
      guard messageHash == record.messageHash else { return broken(record, LocalizedText("audit_message_hash")) }
      lastByMessage[record.messageID] = (record.messageSequence, messageHash)
      return nil
    }
    var after: Int64 = 0
    var head: Int64? = nil
    // The sealer may move the head while this reads: read on until the head is reached or stays.
    for _ in 0..<3 {
      var progressed = false
      while true {
        let batch = try await audit.events(after: after, limit: batchSize)
        if batch.isEmpty { break }
        progressed = true
        for record in batch {
          guard record.position == expected else {
            return broken(
              record,
              LocalizedText(
                "audit_sequence_gap",
                ["expected": .plain(String(expected)), "actual": .plain(String(record.position ?? 0))]))
          }
          var canonical = ""
          if let report = check(record, canonical: &canonical) { return report }
          chainHash = Hashing.chain(previous: chainHash, canonical: canonical)
          guard chainHash == record.chainHash else { return broken(record, LocalizedText("audit_chain_hash")) }
          expected += 1
          count += 1
          after = expected - 1
        }
      }
      head = try await audit.auditHead()
      if head.map({ $0 <= Int64(count) }) ?? true || !progressed { break }
    }
    guard let head else {
      return AuditReport(
        eventCount: count,
        firstBreak: .init(sequence: expected, eventID: nil, reason: LocalizedText("audit_head_missing")))
    }
    if head != Int64(count) {
      return AuditReport(
        eventCount: count,
        firstBreak: .init(
          sequence: Int64(count) + 1, eventID: nil,
          reason: LocalizedText("audit_head_mismatch", ["head": .plain(String(head)), "count": .number(count)])))
    }
    // Events written but not sealed yet (PostgreSQL), or sealed while this ran, by sequence number:
    // the order the sealer keeps within each message.
    after = 0
    while true {
      let batch = try await audit.unsealedEvents(after: after, beyond: head, limit: batchSize)
      if batch.isEmpty { break }
      for record in batch {
        var canonical = ""
        if let report = check(record, canonical: &canonical) { return report }
        count += 1
        unsealed += 1
        after = record.sequence
      }
    }
    // Each message row carries the tip of its chain; a deleted last event of a message shows here.
    var offset = 0
    while true {
      let tips = try await audit.messageTips(offset: offset, limit: batchSize)
      if tips.isEmpty { break }
      for message in tips {
        let (lastSequence, lastHash) = lastByMessage[message.id] ?? (0, AuditChain.genesis)
        if message.tip.count != lastSequence || message.tip.hash != lastHash {
          return AuditReport(
            eventCount: count, unsealedCount: unsealed,
            firstBreak: .init(
              sequence: Int64(count) + 1, eventID: nil,
              reason: LocalizedText(
                "audit_tip_mismatch",
                [
                  "serial": .plain(message.serial.description), "recorded": .number(message.tip.count),
                  "actual": .number(lastSequence),
                ])))
        }
      }
      offset += tips.count
    }
    return AuditReport(eventCount: count, unsealedCount: unsealed, firstBreak: nil)
  }

  /// How many events one round of sealing links at most.
  public static let sealRoundSize = PostgresChain.roundSize

  /// Seals committed events into the global chain: one round of at most `limit`, unless another
  /// instance is sealing; returns how many it sealed. On SQLite every event is sealed as it is written
  /// and this returns 0.
  @discardableResult
  public func sealEvents(limit: Int = sealRoundSize) async throws -> Int {
    try await audit.seal(limit: limit, wait: false)
  }

  /// Seals every event committed so far, waiting for another instance's round if need be (the
  /// demo, the tests).
  public func sealAllEvents() async throws {
    while try await audit.seal(limit: PostgresChain.roundSize, wait: true) > 0 {}
  }
}
