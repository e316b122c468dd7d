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
    guard sequence == 1 || previousHash != nil else {
      throw StoreError.internal("the event before sequence \(sequence) is missing")
    }
    self.sequence = sequence
    self.previousChainHash = previousHash ?? AuditChain.genesis
  }
}

/// The single row that counts the events of the global audit chain (migration 0011).
enum AuditHead {
  static let rowID = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
}

extension AuditChain {
  /// The event at its claimed place, hashed into both chains, and the message's new chain tip.
  static func seal(_ draft: EventDraft, id: UUID, at place: ChainPlace, after tip: ChainTip) -> (Event, ChainTip) {
    let messageSequence = tip.count + 1
    let canonical = canonicalEncoding(sequence: place.sequence, messageSequence: messageSequence, draft: draft)
    let event = Event(
      id: id, sequence: place.sequence, messageSequence: messageSequence, draft: draft,
      messageHash: Hashing.chain(previous: tip.hash, canonical: canonical),
      chainHash: Hashing.chain(previous: place.previousChainHash, canonical: canonical))
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
  /// the global or a message's sequence) and a truncated tail (the head is ahead of the last event).
  public func verifyAudit(batchSize: Int = 5_000) async throws -> AuditReport {
    var chainHash = AuditChain.genesis
    var lastByMessage: [UUID: (Int, String)] = [:]
    var expected: Int64 = 1
    var count = 0
    var after: Int64 = 0
    while true {
      let batch = try await audit.events(after: after, limit: batchSize)
      if batch.isEmpty { break }
      for record in batch {
        func broken(_ reason: LocalizedText) -> AuditReport {
          AuditReport(
            eventCount: count, firstBreak: .init(sequence: record.sequence, eventID: record.id, reason: reason))
        }
        guard record.sequence == expected else {
          return broken(
            LocalizedText(
              "audit_sequence_gap", ["expected": .plain(String(expected)), "actual": .plain(String(record.sequence))]))
        }
        guard let draft = record.draft else { return broken(LocalizedText("audit_unknown_value")) }
        let (lastSequence, lastHash) = lastByMessage[record.messageID] ?? (0, AuditChain.genesis)
        guard record.messageSequence == lastSequence + 1 else {
          return broken(
            LocalizedText(
              "audit_message_sequence",
              ["expected": .number(lastSequence + 1), "actual": .number(record.messageSequence)]
            ))
        }
        if record.payload != EventRecord.encodePayload(draft.payload) {
          return broken(LocalizedText("audit_payload_changed"))
        }
        let canonical = AuditChain.canonicalEncoding(
          sequence: record.sequence, messageSequence: record.messageSequence, draft: draft)
        let messageHash = Hashing.chain(previous: lastHash, canonical: canonical)
        chainHash = Hashing.chain(previous: chainHash, canonical: canonical)
        guard messageHash == record.messageHash else { return broken(LocalizedText("audit_message_hash")) }
        guard chainHash == record.chainHash else { return broken(LocalizedText("audit_chain_hash")) }
        lastByMessage[record.messageID] = (record.messageSequence, messageHash)
        expected += 1
        count += 1
        after = record.sequence
      }
    }
    guard let head = try await audit.auditHead() else {
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
    // Each message row carries the tip of its chain; a deleted last event of a message shows here.
    var offset = 0
    while true {
      let tips = try await audit.messageTips(offset: offset, limit: batchSize)
      if tips.isEmpty { break }
      for message in tips {
        let (lastSequence, lastHash) = lastByMessage[message.id] ?? (0, AuditChain.genesis)
        if message.tip.count != lastSequence || message.tip.hash != lastHash {
          return AuditReport(
            eventCount: count,
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
    return AuditReport(eventCount: count, firstBreak: nil)
  }
}
