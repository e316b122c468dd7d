import Foundation
import MinshengCore
import SQLKit

/// `DuplicateStorage` through SQLKit: reads on the read handle, filing in one transaction per batch
/// with many rows per statement (few round trips to a server).
struct SQLDuplicateStorage: DuplicateStorage, ReadingDuplicates {
  let connection: SQLConnection
  let reads: DuplicateReads<SQLStatementRunner>

  func file(_ batch: [PendingFingerprint], candidates: [UUID: [(id: UUID, similarity: Double)]]) async throws -> Int {
    try await connection.transaction { sql in
      var bands: [[StoreValue]] = []
      var links: [[StoreValue]] = []
      var claimed = 0
      for message in batch where !(try await sql.all(DuplicateStatements.claim(message.id), as: IDRow.self).isEmpty) {
        claimed += 1
        let rows = DuplicateStatements.filing(message, candidates: candidates[message.id] ?? [])
        bands += rows.bands
        links += rows.candidates
      }
      // In slices, to stay far below any database's limit on bound values.
      for statement in DuplicateStatements.inserts(
        into: "message_bands", columns: DuplicateStatements.bandColumns, rows: bands, perStatement: 500)
        + DuplicateStatements.inserts(
          into: "duplicate_candidates", columns: DuplicateStatements.candidateColumns, rows: links, perStatement: 250)
      {
        try await sql.run(statement)
      }
      return claimed
    }
  }
}
