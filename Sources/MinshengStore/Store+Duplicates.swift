import Foundation
import MinshengCore

/// A possible duplicate of a message: an earlier message whose text is nearly the same.
public struct DuplicateCandidate: Sendable, Equatable {
  public enum State: String, Sendable {
    /// Not decided yet.
    case open
    /// The message was merged into this candidate (并单).
    case merged
    /// The dispatcher judged it not the same matter.
    case dismissed
  }

  public var message: Message
  public var similarity: Double
  public var state: State
}

extension Store {
  /// How many of the messages that share bands with a new one are compared with it.
  static let neighbourLimit = 50
  /// How many of each band's latest messages are looked at: enough for any real cluster of
  /// near-duplicates to show, and a bound on the work when one text was written thousands of times.
  public static let bandDepth = 100

  /// How many waiting messages one transaction files: a backlog (a bulk load, an instance that was
  /// down) is filed with one durable commit per batch rather than one per message.
  static let indexBatch = 50

  /// How many messages wait to be compared with the others.
  public func duplicateBacklog() async throws -> Int {
    try await duplicates.pendingFingerprintCount()
  }

  /// 并单候选: indexes messages whose fingerprints wait (at most `limit`, oldest first). For each, the
  /// earlier messages that share a band key (the 50 that share the most) and whose estimated
  /// similarity reaches `Fingerprint.threshold` are recorded as candidates (the five most similar),
  /// and its own band keys are filed. Returns how many messages were indexed. `serve` runs this
  /// every second.
  ///
  /// Messages go in batches of `indexBatch`, in order. A batch's candidates are found first, with
  /// reads only, each message also compared with the earlier messages of its own batch (whose bands
  /// are not filed yet); then one short transaction claims the batch and files the bands and the
  /// candidates, so the database is never locked while candidates are looked up. A message another
  /// instance has claimed meanwhile is left to it, so none is indexed twice.
  @discardableResult
  public func indexPendingDuplicates(limit: Int = 200) async throws -> Int {
    let pending = try await duplicates.pendingFingerprints(limit: limit)
    var indexed = 0
    var start = 0
    while start < pending.count {
      let batch = Array(pending[start..<min(start + Self.indexBatch, pending.count)])
      start += batch.count
      indexed += try await duplicates.file(batch, candidates: try await candidates(of: batch))
    }
    return indexed
  }

  /// The candidates of each message of the batch (the five most similar at or above the threshold),
  /// among the messages already indexed and the batch's earlier ones. Reads only.
  private func candidates(of batch: [PendingFingerprint]) async throws -> [UUID: [(id: UUID, similarity: Double)]] {
    var result: [UUID: [(id: UUID, similarity: Double)]] = [:]
    for (position, message) in batch.enumerated() {
      guard let fingerprint = message.fingerprint else { continue }
      var found: [(id: UUID, similarity: Double, createdAt: Date)] = []
      var seen: Set<UUID> = []
      func consider(_ other: PendingFingerprint) {
        guard let theirs = other.fingerprint, seen.insert(other.id).inserted else { return }
        let similarity = fingerprint.similarity(to: theirs)
        if similarity >= Fingerprint.threshold { found.append((other.id, similarity, other.createdAt)) }
      }
      let neighbours = try await duplicates.neighbours(
        sharing: fingerprint.bandKeys.map { Int64($0) }, excluding: message.id, depth: Self.bandDepth,
        limit: Self.neighbourLimit)
      neighbours.forEach(consider)
      let own = Set(fingerprint.bandKeys)
      for earlier in batch[..<position] where earlier.fingerprint?.bandKeys.contains(where: own.contains) == true {
        consider(earlier)
      }
      // The most similar first; among equals, the latest (a text written many times is matched with
      // its recent copies).
      found.sort { ($0.similarity, $0.createdAt, $1.id.uuidString) > ($1.similarity, $1.createdAt, $0.id.uuidString) }
      result[message.id] = found.prefix(5).map { ($0.id, $0.similarity) }
    }
    return result
  }

  /// The possible duplicates found for a message, most similar first; a candidate the message was
  /// merged into shows as merged.
  public func duplicateCandidates(of messageID: UUID) async throws -> [DuplicateCandidate] {
    guard let message = try await message(messageID) else { return [] }
    var result: [DuplicateCandidate] = []
    for row in try await duplicates.candidates(of: messageID) {
      guard let candidate = try await self.message(row.id) else { continue }
      result.append(
        DuplicateCandidate(
          message: candidate, similarity: row.similarity,
          state: message.mergedIntoID == candidate.id ? .merged : row.state))
    }
    return result
  }

  /// How many undecided candidates each of these messages has (absent: none), in one query — the
  /// pool shows it for every new message.
  public func openDuplicateCounts(of messageIDs: [UUID]) async throws -> [UUID: Int] {
    try await duplicates.openCounts(of: messageIDs)
  }

  /// 不是重复: the dispatching office (or an admin) dismisses a candidate; who and when are kept.
  public func dismissDuplicate(_ messageID: UUID, candidate: UUID, by actor: Actor, at now: Date) async throws {
    guard let message = try await message(messageID) else { throw StoreError.notFound(.message) }
    guard CaseAccess.mayDispatch(actor, message) else {
      throw StoreError.forbidden(LocalizedText("error_forbidden_duplicates"))
    }
    guard
      try await duplicates.candidates(of: messageID).contains(where: { $0.id == candidate && $0.state == .open })
    else { throw StoreError.notFound(.duplicateCandidate) }
    // Recorded on the message's chain, with the candidate's decision in the same transaction.
    let decided = DuplicateStatements.dismissal(messageID, candidate: candidate, by: actor.id, at: now)
    try await recordEvent(
      on: messageID, expectedVersion: message.version, at: now,
      { current in
        EventDraft(
          messageID: current.id, action: .duplicateDismissed, from: current.status, to: current.status, actor: actor,
          note: nil, visibility: .internal, payload: ["candidate": candidate.uuidString], at: now)
      }, rows: [.statement(decided)])
  }
}
