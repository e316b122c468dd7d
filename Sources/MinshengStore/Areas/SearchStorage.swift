import Foundation
import MinshengCore

/// 检索存储: the search indexes, their waiting marks, and the queries on them. Reads are the shared
/// statements on a runner; writes are one transaction on the database's writer (SQLite's writer
/// connection in turn with the intakes, or an SQL transaction).
struct SearchStorage: Sendable {
  let runner: any StatementRunner
  /// Where the public index is read: `runner`, or the read replicas in front of it.
  let publicRunner: any StatementRunner
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

  /// A page of the messages that match. By relevance, only the newest `rankingDepth` matches that
  /// meet the conditions are scored (every match when fewer): a word found in half the messages
  /// costs a bounded amount, and for any narrower query the order is exact BM25 / `ts_rank`.
  func search(
    _ index: SearchIndex, _ query: SearchQuery, conditions: [SQLFragment], order: SearchOrder, limit: Int, offset: Int
  ) async throws -> [Message] {
    let runner = index == .forPublic ? publicRunner : runner
    var floor: Int64?
    if order == .relevance {
      floor = try await runner.all(
        SearchStatements.rankingFloor(
          index, query, conditions: conditions, depth: Self.rankingDepth, postgres: postgres),
        as: DocRow.self
      ).first?.doc
    }
    return try await runner.messages(
      SearchStatements.search(
        index, query, conditions: conditions, order: order, from: floor, limit: limit, offset: offset,
        postgres: postgres))
  }

  /// How many of the newest matches a relevance order scores.
  static let rankingDepth = 2_000

  func count(_ index: SearchIndex, _ query: SearchQuery, conditions: [SQLFragment], cap: Int) async throws -> Int {
    try await (index == .forPublic ? publicRunner : runner).integer(
      SearchStatements.count(index, query, conditions: conditions, cap: cap, postgres: postgres))
  }
}

extension SearchStorage {
  init(runner: SQLiteStatementRunner, writer: SQLiteWorker) {
    self.init(
      runner: runner, publicRunner: runner,
      write: { statements in
        try await writer.grouped { handle in for statement in statements { try handle.run(statement) } }
      }, postgres: false)
  }

  init(runner: SQLStatementRunner, connection: SQLConnection, publicRunner: (any StatementRunner)? = nil) {
    self.init(
      runner: runner, publicRunner: publicRunner ?? runner,
      write: { statements in
        try await connection.transaction { sql in for statement in statements { try await sql.run(statement) } }
      }, postgres: connection.database.location.isPostgres)
  }
}
