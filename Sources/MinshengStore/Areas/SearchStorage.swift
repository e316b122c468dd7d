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
      // The matches are scored as they are found; only the page's messages are read, the conditions
      // checked again on them (the index follows a change within a second).
      let depth = order == .relevance ? Self.rankingDepth : offset + limit
      let found = try await publicKeys(
        query, conditions: conditions, order: order, depth: depth, keep: offset + limit, on: runner)
      let ranked = found.best.sorted { ($0.score, -$0.doc) < ($1.score, -$1.doc) }
      let page = Array(ranked.dropFirst(offset).prefix(limit)).map(\.doc)
      guard !page.isEmpty else { return ([], order == .relevance ? found.matched : nil) }
      let messages = try await runner.messages(SearchStatements.publicMessages(keys: page, conditions: conditions))
      let byKey = Dictionary(messages.map { (SearchStatements.key($0.serial), $0) }) { first, _ in first }
      return (page.compactMap { byKey[$0] }, order == .relevance ? found.matched : nil)
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

  /// PostgreSQL's public index: how many of the newest `depth` matches meet the conditions, and the
  /// best `keep` of them (by score, then newest; 0 for `newest`, so newest first). They are found in
  /// ranges of keys from the newest back, each asked with its windows' terms: first 4,096 keys, then
  /// a range as wide as the matches found so far say the rest needs (between 4 and 64 times the
  /// last, within a year and then the year before); past 262,144 keys, everything older at once.
  /// Each range returns only its own best `keep` (the best of all are among them). A common word
  /// reads about `depth` documents however large the index, a rare one a few small GIN lookups.
  func publicKeys(
    _ query: SearchQuery, conditions: [SQLFragment], order: SearchOrder = .newest, depth: Int, keep: Int,
    on runner: any StatementRunner
  ) async throws -> (best: [ScoredDocRow], matched: Int) {
    var best: [ScoredDocRow] = []
    var matched = 0
    var high = Int64(try await runner.integer(SearchStatements.newestPublicKey(below: .max))) + 1
    var width = SearchStatements.windowSize
    var searched: Int64 = 0
    while high > 1, matched < depth {
      let yearStart = (high - 1) / 100_000_000 * 100_000_000
      let low = width > 262_144 ? nil : max(high - width, yearStart)
      let rows = try await runner.all(
        SearchStatements.publicKeys(
          query, conditions: conditions, order: order, from: low, below: high, limit: depth - matched, keep: keep),
        as: ScoredDocRow.self)
      matched += rows.first?.matched ?? 0
      best += rows.prefix(keep)
      guard let low else { break }
      searched += high - low
      // As many keys again as the matches so far say the rest needs, with a margin.
      let wanted = matched == 0 ? width * 64 : Int64(depth - matched) * searched / Int64(matched) * 5 / 4
      width = min(max(wanted, width * 4), width * 64)
      high = low > yearStart ? low : Int64(try await runner.integer(SearchStatements.newestPublicKey(below: low))) + 1
    }
    return (best, matched)
  }

  /// How many of the newest matches a relevance order scores: as many as a search can page through
  /// (`Store.searchDeepest`) and counts (`Store.searchCountCap`), so the matches ranked are the ones
  /// a reader can reach.
  static let rankingDepth = 1_000

  func count(
    _ index: SearchIndex, _ query: SearchQuery, conditions: [SQLFragment], unfiltered: Bool = false, cap: Int
  ) async throws -> Int {
    if index.keepsFilters(postgres: postgres) {
      return try await publicKeys(query, conditions: conditions, depth: cap, keep: 0, on: publicRunner).matched
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
