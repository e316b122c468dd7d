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

  /// How many waiting messages one transaction files: a backlog (a bulk load, an instance that was
  /// down) is filed with one durable commit per batch rather than one per message.
  static let indexBatch = 50

  /// 并单候选: indexes messages whose fingerprints wait (at most `limit`, oldest first). For each, the
  /// earlier messages that share a band key (the 50 that share the most) and whose estimated
  /// similarity reaches `Fingerprint.threshold` are recorded as candidates (the five most similar),
  /// and its own band keys are filed. Returns how many messages were indexed. `serve` runs this
  /// every second.
  ///
  /// Messages go in batches of `indexBatch`, in order. A batch's candidates are found first, with
  /// reads only, each message also compared with the earlier messages of its own batch (whose bands
  /// are not filed yet); then one short transaction claims the batch and files the bands and the
  /// candidates. So the database is never locked while candidates are looked up: on SQLite that
  /// lock would stop every intake for as long (measured: intakes' p99 went from about 40 ms to
  /// 800 ms while a backlog was indexed). A message another instance has claimed meanwhile is left
  /// to it, so none is indexed twice.
  @discardableResult
  public func indexPendingDuplicates(limit: Int = 200) async throws -> Int {
    // `= TRUE` written out, so that PostgreSQL's generic plan also uses the partial index.
    let rows = try await Self.sql(db).raw(
      """
      SELECT id, fingerprint, created_at FROM messages WHERE fingerprint_pending = TRUE
      ORDER BY created_at, serial_number LIMIT \(bind: limit)
      """
    ).all()
    var pending: [PendingFingerprint] = []
    for row in rows {
      pending.append(
        PendingFingerprint(
          id: try row.decode(column: "id", as: UUID.self),
          fingerprint: try row.decode(column: "fingerprint", as: String?.self).flatMap(Fingerprint.init(stored:)),
          createdAt: try row.decode(column: "created_at", as: Date.self)))
    }
    var indexed = 0
    var start = 0
    while start < pending.count {
      let batch = Array(pending[start..<min(start + Self.indexBatch, pending.count)])
      start += batch.count
      // Read on the read connections: the connection that writes reference data and runs the
      // scheduled jobs is not kept busy by a backlog.
      let found = try await Self.candidates(of: batch, on: Self.sql(readDB))
      if let writer = database.sqliteWriter {
        // On SQLite the intakes' own connection files the batch, in turn with them: no lock to wait for.
        indexed += try await writer.grouped { handle in try Self.file(batch, candidates: found, on: handle) }
      } else {
        indexed += try await db.transaction { tx in try await Self.file(batch, candidates: found, on: Self.sql(tx)) }
      }
    }
    return indexed
  }

  /// A message waiting to be indexed, as read.
  private struct PendingFingerprint: Sendable {
    var id: UUID
    var fingerprint: Fingerprint?
    var createdAt: Date
  }

  /// The candidates of each message of the batch (the five most similar at or above the threshold),
  /// among the messages already indexed and the batch's earlier ones. Reads only.
  private static func candidates(
    of batch: [PendingFingerprint], on sql: any SQLDatabase
  ) async throws -> [UUID: [(id: UUID, similarity: Double)]] {
    var result: [UUID: [(id: UUID, similarity: Double)]] = [:]
    for (position, message) in batch.enumerated() {
      guard let fingerprint = message.fingerprint else { continue }
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
        SELECT id, fingerprint, created_at FROM messages WHERE id IN (
          SELECT message_id FROM (\(bands)) AS shared WHERE message_id <> \(bind: message.id)
          GROUP BY message_id ORDER BY COUNT(*) DESC, message_id LIMIT \(bind: neighbourLimit))
        """
      ).all()
      var found: [(id: UUID, similarity: Double, createdAt: Date)] = []
      var seen: Set<UUID> = []
      func consider(_ id: UUID, _ other: Fingerprint, _ createdAt: Date) {
        guard seen.insert(id).inserted else { return }
        let similarity = fingerprint.similarity(to: other)
        if similarity >= Fingerprint.threshold { found.append((id, similarity, createdAt)) }
      }
      for neighbour in neighbours {
        guard
          let other = try neighbour.decode(column: "fingerprint", as: String?.self).flatMap(Fingerprint.init(stored:))
        else { continue }
        consider(
          try neighbour.decode(column: "id", as: UUID.self), other,
          try neighbour.decode(column: "created_at", as: Date.self))
      }
      let own = Set(fingerprint.bandKeys)
      for earlier in batch[..<position] {
        guard let other = earlier.fingerprint, other.bandKeys.contains(where: own.contains) else { continue }
        consider(earlier.id, other, earlier.createdAt)
      }
      // The most similar first; among equals, the latest (a text written many times is matched with
      // its recent copies).
      found.sort {
        ($0.similarity, $0.createdAt, $1.id.uuidString) > ($1.similarity, $1.createdAt, $0.id.uuidString)
      }
      result[message.id] = found.prefix(5).map { ($0.id, $0.similarity) }
    }
    return result
  }

  /// `file(_:candidates:on:)` on SQLite's writer connection, inside the caller's transaction.
  private static func file(
    _ batch: [PendingFingerprint], candidates: [UUID: [(id: UUID, similarity: Double)]], on handle: SQLiteHandle
  ) throws -> Int {
    var claimed = 0
    for message in batch {
      let id = SQLiteValue.text(message.id.uuidString)
      guard
        !(try handle.query(
          "UPDATE messages SET fingerprint_pending = FALSE WHERE id = ? AND fingerprint_pending = TRUE RETURNING id",
          [id]
        ).isEmpty)
      else { continue }
      claimed += 1
      guard let fingerprint = message.fingerprint else { continue }
      for key in fingerprint.bandKeys {
        try handle.execute(
          "INSERT INTO message_bands (band_key, message_id, created_at) VALUES (?, ?, ?)",
          [.integer(Int64(key)), id, message.createdAt.sqliteValue])
      }
      for candidate in candidates[message.id] ?? [] {
        try handle.execute(
          "INSERT INTO duplicate_candidates (message_id, candidate_id, similarity, state) VALUES (?, ?, ?, ?)",
          [
            id, .text(candidate.id.uuidString), .real(candidate.similarity),
            .text(DuplicateCandidate.State.open.rawValue),
          ])
      }
    }
    return claimed
  }

  /// Claims the batch's messages still waiting and files their band keys and candidates, inside the
  /// caller's transaction; returns how many were claimed.
  private static func file(
    _ batch: [PendingFingerprint], candidates: [UUID: [(id: UUID, similarity: Double)]], on sql: any SQLDatabase
  ) async throws -> Int {
    let claimed = Set(
      try await sql.raw(
        """
        UPDATE messages SET fingerprint_pending = \(bind: false)
        WHERE id IN (\(binds: batch.map(\.id))) AND fingerprint_pending = \(bind: true) RETURNING id
        """
      ).all().map { try $0.decode(column: "id", as: UUID.self) })
    var postings: [(key: Int64, id: UUID, createdAt: Date)] = []
    var links: [(id: UUID, candidate: UUID, similarity: Double)] = []
    for message in batch where claimed.contains(message.id) {
      guard let fingerprint = message.fingerprint else { continue }
      postings += fingerprint.bandKeys.map { (Int64($0), message.id, message.createdAt) }
      links += (candidates[message.id] ?? []).map { (message.id, $0.id, $0.similarity) }
    }
    // In slices, to stay far below any database's limit on bound parameters.
    for slice in stride(from: 0, to: postings.count, by: 500).map({ postings[$0..<min($0 + 500, postings.count)] }) {
      var insert = sql.insert(into: "message_bands").columns("band_key", "message_id", "created_at")
      for posting in slice {
        insert = insert.values(SQLBind(posting.key), SQLBind(posting.id), SQLBind(posting.createdAt))
      }
      try await insert.run()
    }
    for slice in stride(from: 0, to: links.count, by: 250).map({ links[$0..<min($0 + 250, links.count)] }) {
      var insert = sql.insert(into: "duplicate_candidates").columns("message_id", "candidate_id", "similarity", "state")
      for link in slice {
        insert = insert.values(
          SQLBind(link.id), SQLBind(link.candidate), SQLBind(link.similarity),
          SQLBind(DuplicateCandidate.State.open.rawValue))
      }
      try await insert.run()
    }
    return claimed.count
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
