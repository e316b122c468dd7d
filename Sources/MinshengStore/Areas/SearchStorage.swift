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
  /// costs a bounded amount, and for any narrower query the order is exact BM25 / `ts_rank`. By
  /// relevance, how many match (up to `rankingDepth`) comes with it, read on the way.
  ///
  /// `unfiltered`: the conditions only restate what the index holds (the public index holds only
  /// what the public may read), so the index alone finds the matches and only the page's messages
  /// are read, the conditions checked again on them.
  func search(
    _ index: SearchIndex, _ query: SearchQuery, conditions: [SQLFragment], unfiltered: Bool = false,
    order: SearchOrder, limit: Int, offset: Int
  ) async throws -> (messages: [Message], matched: Int?) {
    let runner = index == .forPublic ? publicRunner : runner
    if index.keepsFilters(postgres: postgres) {
      let depth = order == .relevance ? Self.rankingDepth : offset + limit
      let keys = try await publicKeys(query, conditions: conditions, depth: depth, on: runner)
      if order == .newest {
        let page = Array(keys.dropFirst(offset).prefix(limit))
        return (
          page.isEmpty
            ? [] : try await runner.messages(SearchStatements.publicMessages(keys: page, conditions: conditions)),
          nil
        )
      }
      guard !keys.isEmpty else { return ([], 0) }
      return (
        try await runner.messages(
          SearchStatements.publicRankedPage(query, keys: keys, conditions: conditions, limit: limit, offset: offset)),
        keys.count
      )
    }
    let inIndex = unfiltered && !postgres
    var floor: Int64?
    var matched: Int?
    if order == .relevance {
      let keys = try await runner.all(
        inIndex
          ? SearchStatements.indexKeys(index, query, depth: Self.rankingDepth)
          : SearchStatements.newestKeys(
            index, query, conditions: conditions, depth: Self.rankingDepth, postgres: postgres),
        as: DocRow.self)
      matched = keys.count
      if keys.count == Self.rankingDepth { floor = keys.last?.doc }
    }
    let messages = try await runner.messages(
      inIndex
        ? SearchStatements.pageInIndex(
          index, query, conditions: conditions, order: order, from: floor, limit: limit, offset: offset)
        : SearchStatements.search(
          index, query, conditions: conditions, order: order, from: floor, limit: limit, offset: offset,
          postgres: postgres))
    return (messages, matched)
  }

  /// PostgreSQL's public index: the keys of the newest `depth` matches that meet the conditions,
  /// found in ranges of keys from the newest back (4,096 keys, then four times as many each time,
  /// within a year and then the year before; after 262,144, everything older at once), each asked
  /// with its windows' terms: a common word reads about `depth` documents however large the index,
  /// a rare one a few small GIN lookups.
  func publicKeys(
    _ query: SearchQuery, conditions: [SQLFragment], depth: Int, on runner: any StatementRunner
  ) async throws -> [Int64] {
    var keys: [Int64] = []
    var high = Int64(try await runner.integer(SearchStatements.newestPublicKey(below: .max))) + 1
    var width = SearchStatements.windowSize
    while high > 1, keys.count < depth {
      let yearStart = (high - 1) / 100_000_000 * 100_000_000
      let low = width > 262_144 ? nil : max(high - width, yearStart)
      keys += try await runner.all(
        SearchStatements.publicKeys(query, conditions: conditions, from: low, below: high, limit: depth - keys.count),
        as: DocRow.self
      ).map(\.doc)
      guard let low else { break }
      high = low > yearStart ? low : Int64(try await runner.integer(SearchStatements.newestPublicKey(below: low))) + 1
      width *= 4
    }
    return keys
  }

  /// How many of the newest matches a relevance order scores.
  static let rankingDepth = 2_000

  func count(
    _ index: SearchIndex, _ query: SearchQuery, conditions: [SQLFragment], unfiltered: Bool = false, cap: Int
  ) async throws -> Int {
    if index.keepsFilters(postgres: postgres) {
      return try await publicKeys(query, conditions: conditions, depth: cap, on: publicRunner).count
    }
    return try await (index == .forPublic ? publicRunner : runner).integer(
      unfiltered && !postgres
        ? SearchStatements.countInIndex(index, query, cap: cap)
        : SearchStatements.count(index, query, conditions: conditions, cap: cap, postgres: postgres))
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
