import FluentKit
import Foundation
import MinshengCore
import SQLKit

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

  /// How many waiting messages one transaction indexes: a backlog (a bulk load, an instance that
  /// was down) is filed with one durable commit per batch rather than one per message, and the writer
  /// is never held for longer than one batch.
  static let indexBatch = 50

  /// 并单候选: indexes messages whose fingerprints wait (at most `limit`, oldest first). For each, the
  /// earlier messages that share a band key (the 50 that share the most) and whose estimated
  /// similarity reaches `Fingerprint.threshold` are recorded as candidates (the five most similar),
  /// and its own band keys are filed. Messages are claimed and indexed in transactions of
  /// `indexBatch`, in order, so a message sees every earlier one of its batch; a message another
  /// instance has claimed is left to it, so none is indexed twice. Returns how many messages were
  /// indexed. `serve` runs this every second.
  @discardableResult
  public func indexPendingDuplicates(limit: Int = 200) async throws -> Int {
    // `= TRUE` written out, so that PostgreSQL's generic plan also uses the partial index.
    let pending = try await Self.sql(db).raw(
      """
      SELECT id FROM messages WHERE fingerprint_pending = TRUE
      ORDER BY created_at, serial_number LIMIT \(bind: limit)
      """
    ).all().map { try $0.decode(column: "id", as: UUID.self) }
    var indexed = 0
    var start = 0
    while start < pending.count {
      let batch = Array(pending[start..<min(start + Self.indexBatch, pending.count)])
      start += batch.count
      indexed += try await db.transaction { tx in try await Self.indexDuplicates(of: batch, on: Self.sql(tx)) }
    }
    return indexed
  }

  /// Indexes the given messages in this order within the caller's transaction; returns how many
  /// were still waiting (and are now indexed).
  private static func indexDuplicates(of ids: [UUID], on sql: any SQLDatabase) async throws -> Int {
    let claimed = try await sql.raw(
      """
      UPDATE messages SET fingerprint_pending = \(bind: false)
      WHERE id IN (\(binds: ids)) AND fingerprint_pending = \(bind: true) RETURNING id, fingerprint, created_at
      """
    ).all()
    var fingerprints: [UUID: (fingerprint: Fingerprint, createdAt: Date)] = [:]
    var claimedIDs = Set<UUID>()
    for row in claimed {
      let id = try row.decode(column: "id", as: UUID.self)
      claimedIDs.insert(id)
      if let fingerprint = try row.decode(column: "fingerprint", as: String?.self).flatMap(Fingerprint.init(stored:)) {
        fingerprints[id] = (fingerprint, try row.decode(column: "created_at", as: Date.self))
      }
    }
    for id in ids where claimedIDs.contains(id) {
      guard let (fingerprint, createdAt) = fingerprints[id] else { continue }
      let keys = fingerprint.bandKeys.map { Int64($0) }
      // Each band's latest messages (one indexed range per band), then those sharing the most bands
      // first (the LSH estimate of similarity), at most 50: a complaint posted thousands of times
      // must not make every later one read and compare with all of them.
      let bands = keys.enumerated().map { position, key -> SQLQueryString in
        """
        SELECT message_id FROM (SELECT message_id FROM message_bands WHERE band_key = \(bind: key)
          ORDER BY created_at DESC LIMIT \(bind: bandDepth)) AS b\(unsafeRaw: String(position))
        """
      }.joined(separator: " UNION ALL ")
      let neighbours = try await sql.raw(
        """
        SELECT id, fingerprint FROM messages WHERE id IN (
          SELECT message_id FROM (\(bands)) AS shared WHERE message_id <> \(bind: id)
          GROUP BY message_id ORDER BY COUNT(*) DESC, message_id LIMIT \(bind: neighbourLimit))
        """
      ).all()
      var found: [(UUID, Double)] = []
      for neighbour in neighbours {
        guard
          let other = try neighbour.decode(column: "fingerprint", as: String?.self).flatMap(Fingerprint.init(stored:))
        else { continue }
        let similarity = fingerprint.similarity(to: other)
        if similarity >= Fingerprint.threshold {
          found.append((try neighbour.decode(column: "id", as: UUID.self), similarity))
        }
      }
      found.sort { $0.1 > $1.1 }
      var postings = sql.insert(into: "message_bands").columns("band_key", "message_id", "created_at")
      for key in keys { postings = postings.values(SQLBind(key), SQLBind(id), SQLBind(createdAt)) }
      try await postings.run()
      let best = found.prefix(5)
      if !best.isEmpty {
        var candidates = sql.insert(into: "duplicate_candidates")
          .columns("message_id", "candidate_id", "similarity", "state")
        for (candidate, similarity) in best {
          candidates = candidates.values(
            SQLBind(id), SQLBind(candidate), SQLBind(similarity), SQLBind(DuplicateCandidate.State.open.rawValue))
        }
        try await candidates.run()
      }
    }
    return claimedIDs.count
  }

  /// The possible duplicates found for a message, most similar first; a candidate the message was
  /// merged into shows as merged.
  public func duplicateCandidates(of messageID: UUID) async throws -> [DuplicateCandidate] {
    let sql = try Self.sql(readDB)
    guard let message = try await message(messageID) else { return [] }
    let rows = try await sql.select().column("candidate_id").column("similarity").column("state")
      .from("duplicate_candidates").where("message_id", .equal, messageID).orderBy("similarity", .descending).all()
    var result: [DuplicateCandidate] = []
    for row in rows {
      guard let candidate = try await self.message(try row.decode(column: "candidate_id", as: UUID.self)) else {
        continue
      }
      var state = DuplicateCandidate.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .open
      if message.mergedIntoID == candidate.id { state = .merged }
      result.append(
        DuplicateCandidate(
          message: candidate, similarity: try row.decode(column: "similarity", as: Double.self), state: state))
    }
    return result
  }

  /// How many undecided candidates each of these messages has (absent: none), in one query — the
  /// pool shows it for every new message.
  public func openDuplicateCounts(of messageIDs: [UUID]) async throws -> [UUID: Int] {
    guard !messageIDs.isEmpty else { return [:] }
    let rows = try await Self.sql(readDB).raw(
      """
      SELECT message_id, COUNT(*) AS n FROM duplicate_candidates
      WHERE message_id IN (\(binds: messageIDs)) AND state = \(bind: DuplicateCandidate.State.open.rawValue)
      GROUP BY message_id
      """
    ).all()
    var counts: [UUID: Int] = [:]
    for row in rows {
      counts[try row.decode(column: "message_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
    }
    return counts
  }

  /// 不是重复: the dispatching office (or an admin) dismisses a candidate; who and when are kept.
  public func dismissDuplicate(_ messageID: UUID, candidate: UUID, by actor: Actor, at now: Date) async throws {
    guard let message = try await message(messageID) else { throw StoreError.notFound("留言") }
    guard CaseAccess.mayDispatch(actor, message) else {
      throw StoreError.forbidden("只有该留言的交办单位和管理员可以判断重复件")
    }
    let updated = try await Self.sql(db).raw(
      """
      UPDATE duplicate_candidates SET state = \(bind: DuplicateCandidate.State.dismissed.rawValue),
        decided_by = \(bind: actor.id), decided_at = \(bind: now)
      WHERE message_id = \(bind: messageID) AND candidate_id = \(bind: candidate) RETURNING candidate_id
      """
    ).all()
    guard !updated.isEmpty else { throw StoreError.notFound("并单候选") }
  }
}
