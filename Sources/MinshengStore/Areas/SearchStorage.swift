import Foundation
import MinshengCore

/// 检索存储: the search indexes, their waiting marks, and the queries on them. Reads are the shared
/// statements on a runner; writes are one transaction on the database's writer (SQLite's writer
/// connection in turn with the intakes, or an SQL transaction).
struct SearchStorage: Sendable {
  let runner: any StatementRunner
  /// Runs statements in one transaction.
  let write: @Sendable ([SQLFragment]) async throws -> Void
  let postgres: Bool

  func pending(limit: Int) async throws -> [PendingSearchRow] {
    try await runner.all(SearchStatements.pending(limit: limit), as: PendingSearchRow.self)
  }

  func pendingCount() async throws -> Int {
    try await runner.integer(SearchStatements.pendingCount)
  }

  /// The messages with these ids and the replies their documents hold, oldest first.
  func sources(of ids: [UUID]) async throws -> [(message: Message, replies: [SearchReplyRow])] {
    guard !ids.isEmpty else { return [] }
    let messages = try await runner.messages(
      SQLFragment("SELECT * FROM messages WHERE id IN (") + .list(ids.map(StoreValue.uuid)) + SQLFragment(")"))
    var replies: [UUID: [SearchReplyRow]] = [:]
    for row in try await runner.all(SearchStatements.replies(of: ids), as: SearchReplyRow.self) {
      replies[row.message_id, default: []].append(row)
    }
    return messages.map { ($0, replies[$0.id] ?? []) }
  }

  func search(
    _ index: SearchIndex, _ query: SearchQuery, conditions: [SQLFragment], order: SearchOrder, limit: Int, offset: Int
  ) async throws -> [Message] {
    try await runner.messages(
      SearchStatements.search(
        index, query, conditions: conditions, order: order, limit: limit, offset: offset, postgres: postgres))
  }

  func count(_ index: SearchIndex, _ query: SearchQuery, conditions: [SQLFragment], cap: Int) async throws -> Int {
    try await runner.integer(SearchStatements.count(index, query, conditions: conditions, cap: cap, postgres: postgres))
  }
}

extension SearchStorage {
  init(runner: SQLiteStatementRunner, writer: SQLiteWorker) {
    self.init(
      runner: runner,
      write: { statements in
        try await writer.grouped { handle in for statement in statements { try handle.run(statement) } }
      }, postgres: false)
  }

  init(runner: SQLStatementRunner, connection: SQLConnection) {
    self.init(
      runner: runner,
      write: { statements in
        try await connection.transaction { sql in for statement in statements { try await sql.run(statement) } }
      }, postgres: connection.database.location.isPostgres)
  }
}
