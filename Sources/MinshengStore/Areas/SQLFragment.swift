import Foundation
import MinshengCore

/// A statement or a part of one, with `?` for each value: written once, run by either implementation
/// (SQLite binds the values in order, SQLKit turns each `?` into its dialect's placeholder).
struct SQLFragment: Sendable {
  var text: String
  var binds: [StoreValue]

  init(_ text: String, _ binds: [StoreValue] = []) {
    self.text = text
    self.binds = binds
  }

  /// The fragments joined by `separator`, their values in order.
  static func joined(_ parts: [SQLFragment], separator: String) -> SQLFragment {
    SQLFragment(parts.map(\.text).joined(separator: separator), parts.flatMap(\.binds))
  }

  static func + (lhs: SQLFragment, rhs: SQLFragment) -> SQLFragment {
    SQLFragment(lhs.text + rhs.text, lhs.binds + rhs.binds)
  }

  /// `WHERE a AND b …`, or nothing without conditions.
  static func `where`(_ conditions: [SQLFragment]) -> SQLFragment {
    conditions.isEmpty ? SQLFragment("") : SQLFragment(" WHERE ") + joined(conditions, separator: " AND ")
  }

  /// `?, ?, …` for a list of values.
  static func list(_ values: [StoreValue]) -> SQLFragment {
    SQLFragment(Array(repeating: "?", count: values.count).joined(separator: ", "), values)
  }
}

extension MessageFilter {
  /// Whether the filter asks for nothing but the public condition (its text aside): what the public
  /// search index holds already.
  var onlyPublic: Bool {
    var rest = self
    rest.text = nil
    return rest == MessageFilter()
  }

  /// The filter as conditions on `messages`: the public condition, each field that is set, and the
  /// page key (`text` is the search index's, not a condition here).
  var conditions: [SQLFragment] {
    var conditions: [SQLFragment] = []
    func equal(_ column: String, _ value: StoreValue?) {
      if let value { conditions.append(SQLFragment("\(column) = ?", [value])) }
    }
    if publicOnly { conditions.append(SQLFragment("is_public = ? AND publication = 'published'", [.bool(true)])) }
    equal("publication", publication.map { .text($0.rawValue) })
    equal("region_id", regionID.map(StoreValue.uuid))
    equal("leader_id", leaderID.map(StoreValue.uuid))
    equal("lead_unit_id", leadUnitID.map(StoreValue.uuid))
    equal("dispatching_unit_id", dispatchingUnitID.map(StoreValue.uuid))
    equal("type", type.map { .text($0.rawValue) })
    equal("category_id", categoryID.map(StoreValue.uuid))
    equal("status", status.map { .text($0.rawValue) })
    if let statuses, !statuses.isEmpty {
      conditions.append(SQLFragment("status IN (") + .list(statuses.map { .text($0.rawValue) }) + SQLFragment(")"))
    }
    if let createdFrom { conditions.append(SQLFragment("created_at >= ?", [.date(createdFrom)])) }
    if let createdBefore { conditions.append(SQLFragment("created_at < ?", [.date(createdBefore)])) }
    if let updatedAfter { conditions.append(SQLFragment("updated_at > ?", [.date(updatedAfter)])) }
    if let after {
      conditions.append(
        SQLFragment(
          "(serial_year < ? OR (serial_year = ? AND serial_number < ?))",
          [.integer(Int64(after.year)), .integer(Int64(after.year)), .integer(Int64(after.number))]))
    }
    return conditions
  }
}

/// The statements of the public reads and the queues, written once.
enum ReadStatements {
  static func publicStamp(_ id: UUID) -> SQLFragment {
    SQLFragment(
      """
      SELECT version, CASE WHEN is_public AND publication = 'published' THEN 1 ELSE 0 END AS shown
      FROM messages WHERE id = ?
      """, [.uuid(id)])
  }

  static func messages(matching filter: MessageFilter, limit: Int) -> SQLFragment {
    SQLFragment("SELECT * FROM messages") + .where(filter.conditions)
      + SQLFragment(" ORDER BY serial_year DESC, serial_number DESC LIMIT ?", [.integer(Int64(limit))])
  }

  static func publishedReplyBodies(_ ids: [UUID]) -> SQLFragment {
    SQLFragment("SELECT message_id, body FROM replies WHERE message_id IN (") + .list(ids.map(StoreValue.uuid))
      + SQLFragment(") AND state = 'published' ORDER BY created_at")
  }

  /// Among the newest `window` published replies (walked in their partial index, not by grouping
  /// every reply), the public messages they answer, the most recently answered first.
  static func latestReplied(limit: Int, window: Int = 500) -> SQLFragment {
    SQLFragment(
      """
      SELECT m.* FROM messages m
      JOIN (SELECT message_id, MAX(published_at) AS at FROM
              (SELECT message_id, published_at FROM replies WHERE state = 'published'
               ORDER BY published_at DESC LIMIT ?) recent
            GROUP BY message_id) r
        ON r.message_id = m.id
      WHERE m.is_public = ? AND m.publication = 'published' AND m.status IN (
      """, [.integer(Int64(window)), .bool(true)])
      + .list(Status.answered.map { .text($0.rawValue) })
      + SQLFragment(") ORDER BY r.at DESC, m.serial_number DESC LIMIT ?", [.integer(Int64(limit))])
  }

  /// The public letters to a unit (or to every unit), newest first, from `before` back (a page).
  static func thanksLetters(toUnit unitID: UUID?, before: Date? = nil, limit: Int) -> SQLFragment {
    var statement = SQLFragment(
      """
      SELECT t.* FROM thanks_letters t JOIN messages m ON m.id = t.message_id
      WHERE m.is_public = ? AND m.publication = 'published'
      """, [.bool(true)])
    if let unitID { statement = statement + SQLFragment(" AND t.unit_id = ?", [.uuid(unitID)]) }
    if let before { statement = statement + SQLFragment(" AND t.created_at < ?", [.date(before)]) }
    return statement + SQLFragment(" ORDER BY t.created_at DESC LIMIT ?", [.integer(Int64(limit))])
  }

  static func supervisedOpen(limit: Int) -> SQLFragment {
    SQLFragment(
      "SELECT m.*, n.noticed_ms FROM messages m JOIN (SELECT message_id, MIN(at_ms) AS noticed_ms FROM events ")
      + SQLFragment("WHERE action = 'supervise' GROUP BY message_id) n ON n.message_id = m.id ")
      + SQLFragment("WHERE m.is_public = ? AND m.publication = 'published' AND m.status IN (", [.bool(true)])
      + .list(DueQueue.statuses.map { .text($0.rawValue) })
      + SQLFragment(") ORDER BY n.noticed_ms LIMIT ?", [.integer(Int64(limit))])
  }

  static func mergedCount(_ id: UUID) -> SQLFragment {
    SQLFragment("SELECT COUNT(*) AS n FROM messages WHERE merged_into_id = ?", [.uuid(id)])
  }

  /// The messages written with a number, newest first: only those whose number was proved
  /// (`verified`, 我的留言), or all (the operator's view of a caller's history).
  static func messages(ofPhone mobile: String, verified: Bool = true, limit: Int) -> SQLFragment {
    SQLFragment(
      "SELECT * FROM messages WHERE contact_phone = ?\(verified ? " AND phone_verified = TRUE" : "")"
        + " ORDER BY created_at DESC, serial_year DESC, serial_number DESC LIMIT ?",
      [.text(mobile), .integer(Int64(limit))])
  }
}

/// A count per owner.
struct OwnerCountRow: Decodable, Sendable {
  var owner: UUID
  var n: Int
}

/// A message row with the time of its first supervision notice.
struct NoticedMessageRow: Decodable, Sendable {
  var message: MessageRecord
  var noticedMilliseconds: Int64

  enum CodingKeys: String, CodingKey {
    case noticedMilliseconds = "noticed_ms"
  }

  init(from decoder: any Decoder) throws {
    message = try MessageRecord(from: decoder)
    noticedMilliseconds = try decoder.container(keyedBy: CodingKeys.self).decode(
      Int64.self, forKey: .noticedMilliseconds)
  }
}

extension NoticedMessageRow {
  var noticedAt: Date { Date(timeIntervalSince1970: Double(noticedMilliseconds) / 1_000) }
}

/// A row with one text column, `body`.
struct BodyRow: Decodable, Sendable {
  var body: String
}

/// A version and whether the public may read it.
struct StampRow: Decodable, Sendable {
  var version: Int
  var shown: Int
}
