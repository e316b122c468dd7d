import Foundation
import MinshengCore

/// The two indexes: the public's (only public messages, their masked text) and the staff's.
enum SearchIndex: String, Sendable, CaseIterable {
  case forPublic = "public_search"
  case forStaff = "staff_search"

  /// Whether the index keeps its messages' filter columns beside the terms (PostgreSQL's public
  /// index, 0045), so a search checks its filters there and reads no message until its page.
  func keepsFilters(postgres: Bool) -> Bool { postgres && self == .forPublic }
}

/// The order of search results.
public enum SearchOrder: String, Sendable, CaseIterable {
  /// The best matches first (BM25 on SQLite, `ts_rank` on PostgreSQL): title over body over replies.
  case relevance
  /// The newest serial first.
  case newest
}

/// The statements of full-text search, written once; where SQLite (FTS5) and PostgreSQL
/// (`tsvector`) differ, both are here side by side.
enum SearchStatements {
  /// A document's key: its message's serial, `year * 100000000 + number`, ordered as serials are.
  static func key(_ serial: Serial) -> Int64 { Int64(serial.year) * 100_000_000 + Int64(serial.number) }

  /// How a match finds its message. SQLite's FTS5 tables keep no columns, so the key is split back
  /// into the serial (through its unique index); PostgreSQL's rows carry the message's id, which its
  /// planner can estimate (one message a document) where it cannot estimate the computed serial.
  static func join(postgres: Bool) -> String {
    postgres
      ? "JOIN messages ON messages.id = s.message_id"
      : "JOIN messages ON messages.serial_year = s.doc / 100000000 AND messages.serial_number = s.doc % 100000000"
  }

  /// Marks a message's documents to be rewritten, up to `version`; run in the change's transaction.
  static func queue(_ id: UUID, version: Int) -> SQLFragment {
    SQLFragment(
      """
      INSERT INTO search_pending (message_id, version) VALUES (?, ?)
      ON CONFLICT (message_id) DO UPDATE SET version = excluded.version
      """, [.uuid(id), .integer(Int64(version))])
  }

  /// Marks many messages at once, 500 to a statement.
  static func queue(_ messages: [(id: UUID, version: Int)]) -> [SQLFragment] {
    stride(from: 0, to: messages.count, by: 500).map { start in
      let chunk = messages[start..<min(start + 500, messages.count)]
      return SQLFragment(
        "INSERT INTO search_pending (message_id, version) VALUES "
          + Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ")
          + " ON CONFLICT (message_id) DO UPDATE SET version = excluded.version",
        chunk.flatMap { [StoreValue.uuid($0.id), .integer(Int64($0.version))] })
    }
  }

  static func pending(limit: Int) -> SQLFragment {
    SQLFragment("SELECT message_id, version FROM search_pending LIMIT ?", [.integer(Int64(limit))])
  }

  /// Clears a mark that was written for `version` or earlier (a later change keeps its own).
  static func done(_ id: UUID, version: Int) -> SQLFragment {
    SQLFragment(
      "DELETE FROM search_pending WHERE message_id = ? AND version <= ?", [.uuid(id), .integer(Int64(version))])
  }

  /// Every message waits (`search reindex`).
  static let queueAll = SQLFragment(
    """
    INSERT INTO search_pending (message_id, version) SELECT id, version FROM messages WHERE true
    ON CONFLICT (message_id) DO UPDATE SET version = excluded.version
    """)

  static let pendingCount = SQLFragment("SELECT COUNT(*) AS n FROM search_pending")

  /// The replies each document holds, oldest first: published ones (the public's), and drafts too
  /// for the staff's.
  static func replies(of ids: [UUID]) -> SQLFragment {
    SQLFragment("SELECT message_id, body, state FROM replies WHERE message_id IN (") + .list(ids.map(StoreValue.uuid))
      + SQLFragment(") AND state IN ('published', 'draft') ORDER BY created_at")
  }

  static func remove(_ index: SearchIndex, key: Int64, postgres: Bool) -> SQLFragment {
    SQLFragment("DELETE FROM \(index.rawValue) WHERE \(postgres ? "doc" : "rowid") = ?", [.integer(key)])
  }

  static func removeAll(_ index: SearchIndex, postgres: Bool) -> SQLFragment {
    postgres
      ? SQLFragment("DELETE FROM \(index.rawValue)")
      : SQLFragment("INSERT INTO \(index.rawValue) (\(index.rawValue)) VALUES ('delete-all')")
  }

  /// SQLite: a document written into an FTS5 table (whose old row was removed first).
  static func insert(_ index: SearchIndex, key: Int64, _ document: SearchDocument) -> SQLFragment {
    let fields: [SearchDocument.Field] =
      index == .forPublic ? [.title, .body, .replies] : SearchDocument.Field.allCases
    return SQLFragment(
      "INSERT INTO \(index.rawValue) (rowid, \(fields.map { "\($0)" }.joined(separator: ", "))) VALUES (?, "
        + Array(repeating: "?", count: fields.count).joined(separator: ", ") + ")",
      [.integer(key)] + fields.map { .text(document.column($0)) })
  }

  /// The columns of its message that PostgreSQL's public index keeps beside the terms, with their
  /// types: every column a public filter (`MessageFilter.conditions`) names.
  static let publicFilterColumns = [
    ("region_id", "UUID"), ("leader_id", "UUID"), ("lead_unit_id", "UUID"), ("dispatching_unit_id", "UUID"),
    ("type", "TEXT"), ("category_id", "UUID"), ("status", "TEXT"), ("created_at", "TIMESTAMPTZ"),
    ("is_public", "BOOLEAN"), ("publication", "TEXT"), ("serial_year", "BIGINT"), ("serial_number", "BIGINT"),
  ]

  /// A message's values of `publicFilterColumns`, in their order.
  static func publicFilterValues(_ message: Message) -> [StoreValue] {
    [
      .optional(message.regionID), .optional(message.leaderID), .optional(message.leadUnitID),
      .optional(message.dispatchingUnitID), .text(message.type.rawValue), .optional(message.categoryID),
      .text(message.status.rawValue), .date(message.createdAt), .bool(message.isPublic),
      .text(message.publication.rawValue), .integer(Int64(message.serial.year)), .integer(Int64(message.serial.number)),
    ]
  }

  /// PostgreSQL: documents written (or rewritten) many to a statement, the public index's with their
  /// messages' filter columns.
  static func upsert(
    _ index: SearchIndex, _ documents: [(key: Int64, message: Message, document: SearchDocument)]
  ) -> SQLFragment {
    let filters = index.keepsFilters(postgres: true) ? publicFilterColumns : []
    let columns = ["doc", "message_id", "terms"] + filters.map(\.0)
    let row = "(?, ?, CAST(? AS tsvector)" + filters.map { ", CAST(? AS \($0.1))" }.joined() + ")"
    return SQLFragment(
      "INSERT INTO \(index.rawValue) (\(columns.joined(separator: ", "))) VALUES "
        + Array(repeating: row, count: documents.count).joined(separator: ", ") + " ON CONFLICT (doc) DO UPDATE SET "
        + columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", "),
      documents.flatMap { entry in
        filters.isEmpty
          ? [StoreValue.integer(entry.key), .uuid(entry.message.id), .text(entry.document.tsvector)]
          : [.integer(entry.key), .uuid(entry.message.id), .text(entry.document.tsvector + " " + window(entry.key))]
            + publicFilterValues(entry.message)
      })
  }

  /// Keys per window of PostgreSQL's public index.
  static let windowSize: Int64 = 4_096

  /// The term that PostgreSQL's public index adds to a document for the window of keys it is in
  /// (`'~w…'`: no word of a text is cut with a tilde), so that its GIN index finds the matches among
  /// the newest documents without reading the others.
  static func window(_ key: Int64) -> String { "'~w\(key / windowSize)'" }

  /// The statements that write the documents of these messages into both indexes, the public one
  /// only while the message is shown; `replacing` first removes what the indexes held of them.
  static func write(_ sources: [SearchSource], postgres: Bool, replacing: Bool) -> [SQLFragment] {
    write(
      sources.map { source in
        let message = source.message
        return SearchDocuments(
          key: key(message.serial), message: message,
          shown: SearchDocument.forPublic(message, publishedReplies: source.replies.filter(\.published).map(\.body)),
          staff: SearchDocument.forStaff(message, replies: source.replies.map(\.body)))
      }, postgres: postgres, replacing: replacing)
  }

  /// The same for documents already cut. PostgreSQL's are written many to a statement (one round
  /// trip, one parse each).
  static func write(_ documents: [SearchDocuments], postgres: Bool, replacing: Bool) -> [SQLFragment] {
    var statements: [SQLFragment] = []
    var upserts: [SearchIndex: [(key: Int64, message: Message, document: SearchDocument)]] = [:]
    for entry in documents {
      if postgres {
        if let shown = entry.shown {
          upserts[.forPublic, default: []].append((entry.key, entry.message, shown))
        } else if replacing {
          statements.append(remove(.forPublic, key: entry.key, postgres: true))
        }
        upserts[.forStaff, default: []].append((entry.key, entry.message, entry.staff))
      } else {
        if replacing {
          for index in SearchIndex.allCases { statements.append(remove(index, key: entry.key, postgres: false)) }
        }
        if let shown = entry.shown { statements.append(insert(.forPublic, key: entry.key, shown)) }
        statements.append(insert(.forStaff, key: entry.key, entry.staff))
      }
    }
    for (index, documents) in upserts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      var start = 0
      while start < documents.count {
        statements.append(upsert(index, Array(documents[start..<min(start + 100, documents.count)])))
        start += 100
      }
    }
    return statements
  }

  /// The documents that match, each key with its score (lower is better; 0 for `newest`), from the
  /// key `from` on when given (only those are scored).
  static func matches(
    _ index: SearchIndex, _ query: SearchQuery, order: SearchOrder, from key: Int64? = nil, postgres: Bool
  ) -> SQLFragment {
    let bounded = key.map { SQLFragment(" AND \(postgres ? "doc" : "rowid") >= ?", [.integer($0)]) } ?? SQLFragment("")
    if postgres {
      let score = order == .relevance ? postgresScore() : "0"
      return SQLFragment(
        "SELECT doc, message_id, \(score) AS score FROM \(index.rawValue), CAST(? AS tsquery) q WHERE terms @@ q",
        [.text(query.tsquery)]) + bounded
    }
    let weights = index == .forPublic ? "4.0, 1.0, 0.5" : "4.0, 1.0, 0.5, 4.0"
    let score = order == .relevance ? "bm25(\(index.rawValue), \(weights))" : "0"
    return SQLFragment(
      "SELECT rowid AS doc, \(score) AS score FROM \(index.rawValue) WHERE \(index.rawValue) MATCH ?",
      [.text(query.fts5)]) + bounded
  }

  /// The messages of a page of results: the matches (from the key `from` on) joined to their
  /// messages, the conditions (filters, access) on the messages.
  static func search(
    _ index: SearchIndex, _ query: SearchQuery, conditions: [SQLFragment], order: SearchOrder, from key: Int64? = nil,
    limit: Int, offset: Int, postgres: Bool
  ) -> SQLFragment {
    SQLFragment("SELECT messages.* FROM (") + matches(index, query, order: order, from: key, postgres: postgres)
      + SQLFragment(") s \(join(postgres: postgres))") + .where(conditions)
      + SQLFragment(
        " ORDER BY \(order == .relevance ? "s.score, " : "")s.doc DESC LIMIT ? OFFSET ?",
        [.integer(Int64(limit)), .integer(Int64(offset))])
  }

  /// The keys of the newest `depth` matches that meet the conditions. When there are that many, the
  /// matches ranked by relevance are those from the last on, so a common word scores a bounded
  /// number; and how many there are is the count up to `depth`.
  static func newestKeys(
    _ index: SearchIndex, _ query: SearchQuery, conditions: [SQLFragment], depth: Int, postgres: Bool
  ) -> SQLFragment {
    SQLFragment("SELECT s.doc AS doc FROM (") + matches(index, query, order: .newest, postgres: postgres)
      + SQLFragment(") s \(join(postgres: postgres))") + .where(conditions)
      + SQLFragment(" ORDER BY s.doc DESC LIMIT ?", [.integer(Int64(depth))])
  }

  /// PostgreSQL's score, lower is better. ts_rank's weights are for D, C, B, A: replies C, body B,
  /// title and people A.
  static func postgresScore(of query: String = "q") -> String {
    "-ts_rank('{0.1, 0.125, 0.25, 1.0}', terms, \(query), 1)"
  }

  /// PostgreSQL's public index: of the documents with keys in `[low, high)` (no lower bound when
  /// nil) that match and meet the conditions, the newest `limit`, each scored by relevance (0 for
  /// `newest`); of those, only the best `keep` come back (by score, then newest), each row with how
  /// many there were (`matched`) — at least one row when any matched, so `keep` 0 is a count. A
  /// page needs only the best of each range, and thousands of rows decoded for one page cost more
  /// than finding them.
  ///
  /// With a lower bound the query also asks for the windows' terms, so the GIN index intersects the
  /// words with the range and only matches in it are read (checking a phrase's positions included).
  /// The matches are scored against the reader's words alone (`r`): `ts_rank` weighs every term of
  /// the query it is given, and the windows' terms are many. The keys' range and order are hidden
  /// from the planner (`doc + 0`): the windows already bound the range, so reading the key index as
  /// well would only add work, and ordered by key it would walk every key newest first.
  static func publicKeys(
    _ query: SearchQuery, conditions: [SQLFragment], order: SearchOrder, from low: Int64?, below high: Int64,
    limit: Int, keep: Int
  ) -> SQLFragment {
    var matching = query.tsquery
    var range = [SQLFragment("doc + 0 < ?", [.integer(high)])]
    if let low {
      let windows = (low / windowSize...(high - 1) / windowSize).map { window($0 * windowSize) }
      matching = "(" + matching + ") & (" + windows.joined(separator: " | ") + ")"
      range.append(SQLFragment("doc + 0 >= ?", [.integer(low)]))
    }
    let score = "CAST(\(order == .relevance ? postgresScore(of: "r") : "0") AS DOUBLE PRECISION)"
    return SQLFragment(
      """
      SELECT doc, score, matched FROM (SELECT doc, score, COUNT(*) OVER () AS matched,
      ROW_NUMBER() OVER (ORDER BY score, doc DESC) AS place FROM (
      SELECT doc, \(score) AS score FROM public_search, CAST(? AS tsquery) q, CAST(? AS tsquery) r WHERE terms @@ q
      """,
      [.text(matching), .text(query.tsquery)])
      + (conditions + range).reduce(SQLFragment("")) { $0 + SQLFragment(" AND ") + $1 }
      + SQLFragment(
        " ORDER BY doc + 0 DESC LIMIT ?) found) ranked WHERE place <= ? ORDER BY place",
        [.integer(Int64(limit)), .integer(Int64(max(1, keep)))])
  }

  /// PostgreSQL's public index: the newest key below `high` (0 when none).
  static func newestPublicKey(below high: Int64) -> SQLFragment {
    SQLFragment("SELECT COALESCE(MAX(doc), 0) AS n FROM public_search WHERE doc < ?", [.integer(high)])
  }

  /// PostgreSQL's public index: the messages of these keys that meet the conditions (checked again,
  /// as on a ranked page), newest first.
  static func publicMessages(keys: [Int64], conditions: [SQLFragment]) -> SQLFragment {
    SQLFragment("SELECT messages.* FROM (SELECT doc, message_id FROM public_search WHERE doc IN (")
      + .list(keys.map(StoreValue.integer)) + SQLFragment(")) s JOIN messages ON messages.id = s.message_id")
      + .where(conditions) + SQLFragment(" ORDER BY s.doc DESC")
  }

  /// SQLite, a search without filters on an index that holds only what may be found (the public
  /// one): the keys of the newest `depth` matches, read from the index alone.
  static func indexKeys(_ index: SearchIndex, _ query: SearchQuery, depth: Int) -> SQLFragment {
    SQLFragment(
      "SELECT rowid AS doc FROM \(index.rawValue) WHERE \(index.rawValue) MATCH ? ORDER BY rowid DESC LIMIT ?",
      [.text(query.fts5), .integer(Int64(depth))])
  }

  /// The same: a page ranked (or ordered) in the index, from the key `from` on, and only the page's
  /// messages read, the conditions checked again on them (the index follows a change within a
  /// second).
  static func pageInIndex(
    _ index: SearchIndex, _ query: SearchQuery, conditions: [SQLFragment], order: SearchOrder, from key: Int64?,
    limit: Int, offset: Int
  ) -> SQLFragment {
    let ranked = order == .relevance
    return SQLFragment("SELECT messages.* FROM (") + matches(index, query, order: order, from: key, postgres: false)
      + SQLFragment(
        " ORDER BY \(ranked ? "score, " : "")doc DESC LIMIT ? OFFSET ?) s \(join(postgres: false))",
        [.integer(Int64(limit)), .integer(Int64(offset))])
      + .where(conditions) + SQLFragment(" ORDER BY \(ranked ? "s.score, " : "")s.doc DESC")
  }

  /// The same: how many match, counted up to `cap` in the index alone.
  static func countInIndex(_ index: SearchIndex, _ query: SearchQuery, cap: Int) -> SQLFragment {
    SQLFragment(
      "SELECT COUNT(*) AS n FROM (SELECT 1 FROM \(index.rawValue) WHERE \(index.rawValue) MATCH ? LIMIT ?) c",
      [.text(query.fts5), .integer(Int64(cap))])
  }

  /// How many messages match, counted up to `cap` (a common word can match most of the table).
  static func count(
    _ index: SearchIndex, _ query: SearchQuery, conditions: [SQLFragment], cap: Int, postgres: Bool
  ) -> SQLFragment {
    SQLFragment("SELECT COUNT(*) AS n FROM (SELECT 1 FROM (")
      + matches(index, query, order: .newest, postgres: postgres) + SQLFragment(") s \(join(postgres: postgres))")
      + .where(conditions)
      + SQLFragment(" LIMIT ?) c", [.integer(Int64(cap))])
  }
}

/// A document key.
struct DocRow: Decodable, Sendable {
  var doc: Int64
}

/// A document key with its score (lower is better).
struct ScoredDocRow: Decodable, Sendable {
  var doc: Int64
  var score: Double
  /// How many matched in all (`SearchStatements.publicKeys`).
  var matched: Int
}

/// A row of `search_pending`.
struct PendingSearchRow: Decodable, Sendable {
  var message_id: UUID
  var version: Int
}

/// A reply's text for a document.
/// A message's two documents under its key (the public one nil while the public may not read it).
struct SearchDocuments: Sendable {
  var key: Int64
  var message: Message
  var shown: SearchDocument?
  var staff: SearchDocument
}

/// A message and the replies its documents hold, oldest first (published ones, and drafts).
struct SearchSource: Sendable {
  var message: Message
  var replies: [(body: String, published: Bool)]
}

struct SearchReplyRow: Decodable, Sendable {
  var message_id: UUID
  var body: String
  var state: String
}
