import Foundation
import MinshengCore

/// `DuplicateStorage` on SQLite: reads on the query-only connections, filing on the intakes' writer
/// connection in turn with them (no lock to wait for).
struct SQLiteDuplicateStorage: DuplicateStorage, ReadingDuplicates {
  let writer: SQLiteWorker
  let reads: DuplicateReads<SQLiteStatementRunner>

  func file(_ batch: [PendingFingerprint], candidates: [UUID: [(id: UUID, similarity: Double)]]) async throws -> Int {
    try await writer.grouped { handle in
      var claimed = 0
      for message in batch where !(try handle.all(DuplicateStatements.claim(message.id), as: IDRow.self).isEmpty) {
        claimed += 1
        // One row a statement: each kept prepared, as every intake's statements are.
        let rows = DuplicateStatements.filing(message, candidates: candidates[message.id] ?? [])
        for statement in DuplicateStatements.inserts(
          into: "message_bands", columns: DuplicateStatements.bandColumns, rows: rows.bands, perStatement: 1)
          + DuplicateStatements.inserts(
            into: "duplicate_candidates", columns: DuplicateStatements.candidateColumns, rows: rows.candidates,
            perStatement: 1)
        {
          try handle.run(statement)
        }
      }
      return claimed
    }
  }
}
