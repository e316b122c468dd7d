import Foundation
import MinshengCore

/// The duplicate index's reads over a statement runner, shared by both implementations of
/// `DuplicateStorage` (which differ in how they write: `SQLiteDuplicateStorage` on the intakes' own
/// writer connection, `SQLDuplicateStorage` in an SQL transaction).
/// A duplicate storage whose reads are `DuplicateReads` over its runner: the reads are written once,
/// here, for both implementations; each implements only its writes.
protocol ReadingDuplicates {
  associatedtype Runner: StatementRunner
  var reads: DuplicateReads<Runner> { get }
}

extension ReadingDuplicates {
  func pendingFingerprints(limit: Int) async throws -> [PendingFingerprint] {
    try await reads.pendingFingerprints(limit: limit)
  }

  func pendingFingerprintCount() async throws -> Int {
    try await reads.runner.integer(
      SQLFragment("SELECT COUNT(*) AS n FROM messages WHERE fingerprint_pending = TRUE"))
  }

  func neighbours(
    sharing keys: [Int64], excluding message: UUID, depth: Int, limit: Int
  ) async throws
    -> [PendingFingerprint]
  {
    try await reads.neighbours(sharing: keys, excluding: message, depth: depth, limit: limit)
  }

  func candidates(of messageID: UUID) async throws -> [(id: UUID, similarity: Double, state: DuplicateCandidate.State)]
  {
    try await reads.candidates(of: messageID)
  }

  func openCounts(of messageIDs: [UUID]) async throws -> [UUID: Int] {
    try await reads.openCounts(of: messageIDs)
  }
}

struct DuplicateReads<Runner: StatementRunner>: Sendable {
  let runner: Runner

  func pendingFingerprints(limit: Int) async throws -> [PendingFingerprint] {
    // `= TRUE` written out, so that PostgreSQL's generic plan also uses the partial index.
    try await runner.all(
      SQLFragment(
        """
        SELECT id, fingerprint, created_at FROM messages WHERE fingerprint_pending = TRUE
        ORDER BY created_at, serial_number LIMIT ?
        """, [.integer(Int64(limit))]), as: FingerprintRow.self
    ).map(\.pending)
  }

  func neighbours(
    sharing keys: [Int64], excluding message: UUID, depth: Int, limit: Int
  ) async throws
    -> [PendingFingerprint]
  {
    guard !keys.isEmpty else { return [] }
    // Each band's latest messages (one indexed range per band), then those sharing the most bands
    // first (the LSH estimate of similarity): a complaint posted thousands of times must not make
    // every later one read and compare with all of them.
    let bands = SQLFragment.joined(
      keys.enumerated().map { position, key in
        SQLFragment(
          """
          SELECT message_id FROM (SELECT message_id FROM message_bands WHERE band_key = ?
            ORDER BY created_at DESC LIMIT ?) AS b\(position)
          """, [.integer(key), .integer(Int64(depth))])
      }, separator: " UNION ALL ")
    let statement =
      SQLFragment("SELECT id, fingerprint, created_at FROM messages WHERE id IN (SELECT message_id FROM (") + bands
      + SQLFragment(
        ") AS shared WHERE message_id <> ? GROUP BY message_id ORDER BY COUNT(*) DESC, message_id LIMIT ?)",
        [.uuid(message), .integer(Int64(limit))])
    return try await runner.all(statement, as: FingerprintRow.self).map(\.pending)
  }

  func candidates(of messageID: UUID) async throws -> [(id: UUID, similarity: Double, state: DuplicateCandidate.State)]
  {
    try await runner.all(
      SQLFragment(
        """
        SELECT candidate_id, similarity, state FROM duplicate_candidates WHERE message_id = ?
        ORDER BY similarity DESC
        """, [.uuid(messageID)]), as: CandidateRow.self
    ).map { ($0.candidate_id, $0.similarity, DuplicateCandidate.State(rawValue: $0.state) ?? .open) }
  }

  func openCounts(of messageIDs: [UUID]) async throws -> [UUID: Int] {
    guard !messageIDs.isEmpty else { return [:] }
    let statement =
      SQLFragment("SELECT message_id AS owner, COUNT(*) AS n FROM duplicate_candidates WHERE message_id IN (")
      + .list(messageIDs.map(StoreValue.uuid))
      + SQLFragment(") AND state = ? GROUP BY message_id", [.text(DuplicateCandidate.State.open.rawValue)])
    return Dictionary(
      try await runner.all(statement, as: OwnerCountRow.self).map { ($0.owner, $0.n) }, uniquingKeysWith: +)
  }
}

/// The duplicate index's writes, written once for both implementations.
enum DuplicateStatements {
  /// 不是重复: marks a candidate dismissed, with who and when.
  static func dismissal(_ messageID: UUID, candidate: UUID, by actor: String, at now: Date) -> SQLFragment {
    SQLFragment(
      """
      UPDATE duplicate_candidates SET state = ?, decided_by = ?, decided_at = ?
      WHERE message_id = ? AND candidate_id = ?
      """,
      [
        .text(DuplicateCandidate.State.dismissed.rawValue), .text(actor), .date(now), .uuid(messageID),
        .uuid(candidate),
      ])
  }

  /// Claims a message still waiting to be filed, returning it when claimed.
  static func claim(_ id: UUID) -> SQLFragment {
    SQLFragment(
      "UPDATE messages SET fingerprint_pending = FALSE WHERE id = ? AND fingerprint_pending = TRUE RETURNING id",
      [.uuid(id)])
  }

  static let bandColumns = ["band_key", "message_id", "created_at"]
  static let candidateColumns = ["message_id", "candidate_id", "similarity", "state"]

  /// The rows filing a claimed message writes: its band keys, and its candidates.
  static func filing(
    _ message: PendingFingerprint, candidates: [(id: UUID, similarity: Double)]
  )
    -> (bands: [[StoreValue]], candidates: [[StoreValue]])
  {
    guard let fingerprint = message.fingerprint else { return ([], []) }
    return (
      fingerprint.bandKeys.map { [.integer(Int64($0)), .uuid(message.id), .date(message.createdAt)] },
      candidates.map {
        [.uuid(message.id), .uuid($0.id), .real($0.similarity), .text(DuplicateCandidate.State.open.rawValue)]
      }
    )
  }

  /// `INSERT INTO table (columns) VALUES (…), (…)` for up to `perStatement` rows each.
  static func inserts(into table: String, columns: [String], rows: [[StoreValue]], perStatement: Int) -> [SQLFragment] {
    stride(from: 0, to: rows.count, by: perStatement).map { start in
      let slice = rows[start..<min(start + perStatement, rows.count)]
      return SQLFragment("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES ")
        + .joined(slice.map { SQLFragment("(") + .list($0) + SQLFragment(")") }, separator: ", ")
    }
  }
}

/// A message's fingerprint row.
struct FingerprintRow: Decodable, Sendable {
  var id: UUID
  var fingerprint: String?
  var created_at: Date

  var pending: PendingFingerprint {
    PendingFingerprint(id: id, fingerprint: fingerprint.flatMap(Fingerprint.init(stored:)), createdAt: created_at)
  }
}

/// A candidate row.
struct CandidateRow: Decodable, Sendable {
  var candidate_id: UUID
  var similarity: Double
  var state: String
}

/// A row with one `id` column.
struct IDRow: Decodable, Sendable {
  var id: UUID
}
