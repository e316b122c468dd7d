import Foundation
import MinshengCore

/// A message found by a search, with its title and a snippet of its text marked where they match.
public struct SearchHit<Item: Sendable>: Sendable {
  public var item: Item
  public var title: Highlighted
  public var snippet: Highlighted
}

/// One page of search results.
public struct SearchResults<Item: Sendable>: Sendable {
  public var hits: [SearchHit<Item>]
  /// How many match in all, counted up to `Store.searchCountCap`.
  public var total: Int
  /// Whether there are more than `total` (the count stopped at the cap).
  public var totalIsAtLeast: Bool
  /// Where the next page starts, nil on the last.
  public var nextOffset: Int?

  /// No results.
  public static var none: SearchResults { SearchResults(hits: [], total: 0, totalIsAtLeast: false, nextOffset: nil) }
}

extension Store {
  /// How far results are counted; a common word may match most messages.
  public static let searchCountCap = 1_000
  /// How deep results can be paged: 50 pages of 20.
  public static let searchDeepest = 1_000
  /// How long a snippet is, in characters.
  static let snippetLength = 80

  /// 留言检索 (public): public messages whose public, masked text (title, body, published replies)
  /// matches `query`, within `filter` (its public condition is forced), best first or newest first.
  public func searchPublic(
    _ query: SearchQuery, filter: MessageFilter = MessageFilter(), order: SearchOrder = .relevance, limit: Int = 20,
    offset: Int = 0
  ) async throws -> SearchResults<PublicCase> {
    var filter = filter
    filter.publicOnly = true
    let found = try await results(
      .forPublic, query, conditions: filter.conditions, unfiltered: filter.onlyPublic, order: order, limit, offset)
    let surfaces = query.surfaces
    var hits: [SearchHit<PublicCase>] = found.messages.map { message in
      let item = PublicCase.of(message, nameStyle: publicNameStyle)
      return SearchHit(
        item: item, title: Highlighted(item.title, surfaces: surfaces),
        snippet: Highlighted(item.body, surfaces: surfaces, around: Self.snippetLength))
    }
    // Found in a published reply: that reply's words are the snippet (the replies of every such hit
    // read at once).
    let elsewhere = hits.filter { !$0.snippet.matched }.map(\.item.id)
    let replies = try await publicReads.publishedReplyBodies(of: elsewhere)
    for index in hits.indices where !hits[index].snippet.matched {
      for reply in replies[hits[index].item.id] ?? [] {
        let marked = Highlighted(PrivacyMask.mask(reply), surfaces: surfaces, around: Self.snippetLength)
        if marked.matched {
          hits[index].snippet = marked
          break
        }
      }
    }
    return SearchResults(
      hits: hits, total: found.total, totalIsAtLeast: found.total >= Self.searchCountCap, nextOffset: found.next)
  }

  /// 案件检索 (staff): the messages `actor` may read whose text, replies, author's name or number, or
  /// serial match `query`, within `filter`.
  public func searchStaff(
    _ query: SearchQuery, by actor: Actor, filter: MessageFilter = MessageFilter(), order: SearchOrder = .relevance,
    limit: Int = 20, offset: Int = 0
  ) async throws -> SearchResults<Message> {
    var filter = filter
    filter.publicOnly = false
    var conditions = filter.conditions
    switch CaseAccess.readScope(of: actor) {
    case .everything: break
    case .dispatchedBy(let office): conditions.append(SQLFragment("dispatching_unit_id = ?", [.uuid(office)]))
    case .workedOnBy(let unit):
      conditions.append(
        SQLFragment(
          "(lead_unit_id = ? OR id IN (SELECT message_id FROM message_assisting_units WHERE unit_id = ?))",
          [.uuid(unit), .uuid(unit)]))
    case .nothing: return SearchResults(hits: [], total: 0, totalIsAtLeast: false, nextOffset: nil)
    }
    let found = try await results(.forStaff, query, conditions: conditions, order: order, limit, offset)
    let surfaces = query.surfaces
    let hits = found.messages.filter { CaseAccess.mayRead(actor, $0) }.map { message in
      var snippet = Highlighted(message.body, surfaces: surfaces, around: Self.snippetLength)
      if !snippet.matched {
        let people = [message.contact.name, message.contact.phone, message.serial.description].joined(separator: " · ")
        let marked = Highlighted(people, surfaces: surfaces)
        if marked.matched { snippet = marked }
      }
      return SearchHit(item: message, title: Highlighted(message.title, surfaces: surfaces), snippet: snippet)
    }
    return SearchResults(
      hits: hits, total: found.total, totalIsAtLeast: found.total >= Self.searchCountCap, nextOffset: found.next)
  }

  private func results(
    _ index: SearchIndex, _ query: SearchQuery, conditions: [SQLFragment], unfiltered: Bool = false,
    order: SearchOrder, _ limit: Int, _ offset: Int
  ) async throws -> (messages: [Message], total: Int, next: Int?) {
    let limit = max(1, min(limit, 100))
    let offset = max(0, min(offset, Self.searchDeepest))
    let (messages, matched) = try await search.search(
      index, query, conditions: conditions, unfiltered: unfiltered, order: order, limit: limit + 1, offset: offset)
    // The relevance order read how many match up to its ranking depth, which is beyond the cap.
    let total =
      if let matched, SearchStorage.rankingDepth >= Self.searchCountCap {
        min(matched, Self.searchCountCap)
      } else {
        try await search.count(
          index, query, conditions: conditions, unfiltered: unfiltered, cap: Self.searchCountCap)
      }
    let more = messages.count > limit && offset + limit < Self.searchDeepest
    return (Array(messages.prefix(limit)), total, more ? offset + limit : nil)
  }

  // MARK: Keeping the indexes

  /// 索引维护: rewrites the documents of the messages whose marks wait (at most `limit`), in one
  /// transaction that also clears their marks; returns how many. A mark names the version its
  /// change reached, and is cleared only up to the version read here, so a change committed while
  /// this runs is indexed on the next run. `serve` runs this every second; running it on several
  /// instances at once writes the same documents twice, never a wrong one.
  @discardableResult
  public func indexPendingSearch(limit: Int = 500) async throws -> Int {
    let pending = try await search.pending(limit: max(1, limit))
    guard !pending.isEmpty else { return 0 }
    let sources = Dictionary(
      try await search.sources(of: pending.map(\.message_id)).map { ($0.message.id, $0) },
      uniquingKeysWith: { first, _ in first })
    var statements: [SQLFragment] = []
    var documents: [SearchSource] = []
    for mark in pending {
      guard let source = sources[mark.message_id] else {
        statements.append(SearchStatements.done(mark.message_id, version: mark.version))
        continue
      }
      documents.append(
        SearchSource(
          message: source.message,
          replies: source.replies.map { ($0.body, $0.state == ReplyState.published.rawValue) }))
      statements.append(SearchStatements.done(source.message.id, version: max(mark.version, source.message.version)))
    }
    statements += SearchStatements.write(documents, postgres: search.postgres, replacing: true)
    try await search.write(statements)
    return pending.count
  }

  /// How many messages wait to be indexed.
  public func searchBacklog() async throws -> Int {
    try await search.pendingCount()
  }

  /// `minsheng search reindex`: empties both indexes, marks every message and indexes them all,
  /// `batch` at a time, telling `progress` how many are done of how many; on PostgreSQL the indexes'
  /// statistics are refreshed after.
  @discardableResult
  public func rebuildSearchIndex(batch: Int = 1_000, progress: (Int, Int) -> Void = { _, _ in }) async throws -> Int {
    try await search.write(
      SearchIndex.allCases.map { SearchStatements.removeAll($0, postgres: search.postgres) }
        + [SearchStatements.queueAll])
    let total = try await search.pendingCount()
    var done = 0
    while true {
      let indexed = try await indexPendingSearch(limit: batch)
      guard indexed > 0 else { break }
      done += indexed
      progress(min(done, total), total)
    }
    // PostgreSQL plans a search by how common its words are: refresh what it knows of the new rows.
    if search.postgres { try await search.write(SearchIndex.allCases.map { SQLFragment("ANALYZE \($0.rawValue)") }) }
    return done
  }
}
