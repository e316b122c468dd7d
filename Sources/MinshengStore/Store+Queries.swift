import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// What a list of messages is narrowed to; every field is optional.
public struct MessageFilter: Sendable, Equatable {
  /// Only messages the public may read: made public by their authors and released by a moderator.
  public var publicOnly = true
  /// Only messages in this publication state (the moderators' queue).
  public var publication: Publication?
  public var regionID: UUID?
  public var leaderID: UUID?
  public var leadUnitID: UUID?
  public var dispatchingUnitID: UUID?
  public var type: MessageType?
  public var categoryID: UUID?
  public var status: Status?
  /// Any of these statuses (with `status`, both apply).
  public var statuses: [Status]?
  public var createdFrom: Date?
  public var createdBefore: Date?
  /// Continue after this serial (the last one of the previous page).
  public var after: Serial?
  /// Words to find in the title, the body or a published reply, as the public sees them (masked):
  /// plain substring search, so a two-character query such as 噪音 matches, on both databases.
  public var text: String?

  public init() {}
}

/// One page of messages, newest serial first, and where the next page starts.
public struct MessagePage: Sendable {
  public var messages: [Message]
  public var nextAfter: Serial?
}

extension Store {
  /// The titles and bodies of the messages written in a period (every message, public or not), in
  /// one indexed read: the texts that topics are found in.
  public func texts(createdFrom from: Date, before: Date) async throws -> [(title: String, body: String)] {
    try await Self.sql(readDB).select().column("title").column("body").from(MessageRecord.schema)
      .where("created_at", .greaterThanOrEqual, from).where("created_at", .lessThan, before)
      .orderBy("created_at").all()
      .map { (try $0.decode(column: "title", as: String.self), try $0.decode(column: "body", as: String.self)) }
  }

  /// Messages matching `filter`, newest serial first, at most `limit` (1–200) per page.
  ///
  /// Pages are keyed by serial number, so a page never repeats or skips a message when new ones
  /// arrive while someone is paging.
  public func messages(matching filter: MessageFilter, limit: Int = 50) async throws -> MessagePage {
    let limit = max(1, min(limit, 200))
    let sql = try Self.sql(readDB)
    let words = filter.text?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() ?? ""
    var found: [MessageRecord] = []
    var after = filter.after
    // A text match in the stored text may fall inside a masked number, which the public never sees;
    // such rows are dropped, and the next rows fetched, until the page is full.
    while found.count <= limit {
      let batch = try await fetch(filter, words: words, after: after, limit: limit + 1, on: sql)
      for record in batch {
        if words.isEmpty {
          found.append(record)
        } else if try await publiclyContains(record, words, on: sql) {
          found.append(record)
        }
      }
      guard batch.count == limit + 1, let last = batch.last else { break }
      after = Serial(year: last.serialYear, number: last.serialNumber)
    }
    let messages = try await sql.messages(Array(found.prefix(limit)))
    return MessagePage(messages: messages, nextAfter: found.count > limit ? messages.last?.serial : nil)
  }

  private func fetch(
    _ filter: MessageFilter, words: String, after: Serial?, limit: Int, on sql: any SQLDatabase
  ) async throws -> [MessageRecord] {
    let query = sql.select().column("*").from(MessageRecord.schema)
    if filter.publicOnly {
      query.where("is_public", .equal, true).where("publication", .equal, Publication.published.rawValue)
    }
    if let value = filter.publication { query.where("publication", .equal, value.rawValue) }
    if let value = filter.regionID { query.where("region_id", .equal, value) }
    if let value = filter.leaderID { query.where("leader_id", .equal, value) }
    if let value = filter.leadUnitID { query.where("lead_unit_id", .equal, value) }
    if let value = filter.dispatchingUnitID { query.where("dispatching_unit_id", .equal, value) }
    if let value = filter.type { query.where("type", .equal, value.rawValue) }
    if let value = filter.categoryID { query.where("category_id", .equal, value) }
    if let value = filter.status { query.where("status", .equal, value.rawValue) }
    if let value = filter.statuses { query.where("status", .in, value.map(\.rawValue)) }
    if let value = filter.createdFrom { query.where("created_at", .greaterThanOrEqual, value) }
    if let value = filter.createdBefore { query.where("created_at", .lessThan, value) }
    if !words.isEmpty {
      let pattern = "%" + Self.escapedForLike(words) + "%"
      query.where(
        SQLQueryString(
          """
          (LOWER(COALESCE(public_title, title)) LIKE \(bind: pattern) ESCAPE '!'
           OR LOWER(COALESCE(public_body, body)) LIKE \(bind: pattern) ESCAPE '!'
           OR id IN (SELECT message_id FROM replies WHERE state = 'published'
                     AND LOWER(body) LIKE \(bind: pattern) ESCAPE '!'))
          """))
    }
    if let after {
      query.where { group in
        group.where("serial_year", .lessThan, after.year)
          .orWhere { inner in
            inner.where("serial_year", .equal, after.year).where("serial_number", .lessThan, after.number)
          }
      }
    }
    return try await query.orderBy("serial_year", .descending).orderBy("serial_number", .descending)
      .limit(limit).all(decoding: MessageRecord.self)
  }

  /// Whether the public, masked text of a message or of one of its published replies contains `words`.
  private func publiclyContains(_ record: MessageRecord, _ words: String, on sql: any SQLDatabase) async throws -> Bool
  {
    if PrivacyMask.mask(record.publicTitle ?? record.title).lowercased().contains(words) { return true }
    if PrivacyMask.mask(record.publicBody ?? record.body).lowercased().contains(words) { return true }
    let replies = try await sql.select().column("body").from("replies").where("message_id", .equal, record.id)
      .where("state", .equal, "published").all(decodingColumn: "body", as: String.self)
    return replies.contains { PrivacyMask.mask($0).lowercased().contains(words) }
  }

  /// `text` with LIKE's wildcards and the escape character itself escaped by `!`.
  static func escapedForLike(_ text: String) -> String {
    var result = ""
    for character in text {
      if character == "%" || character == "_" || character == "!" { result.append("!") }
      result.append(character)
    }
    return result
  }
}

extension Store {
  /// How many open messages are past their running deadline at `now`: acceptance (assigned) and
  /// reply (accepted, waiting for an extension decision, or in review). Same rule as `DeadlineStatus`.
  public func overdueCounts(at now: Date) async throws -> (acceptance: Int, reply: Int) {
    let sql = try Self.sql(db)
    let acceptance =
      try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
      .from(MessageRecord.schema).where("status", .equal, Status.assigned.rawValue)
      .where("acceptance_due", .lessThanOrEqual, now).first(decodingColumn: "n", as: Int.self) ?? 0
    let reply =
      try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
      .from(MessageRecord.schema)
      .where("status", .in, [Status.accepted, .extensionRequested, .reviewing].map(\.rawValue))
      .where("reply_due", .lessThanOrEqual, now).first(decodingColumn: "n", as: Int.self) ?? 0
    return (acceptance, reply)
  }
}

/// 一次解决率: of the messages taken by phone or letter in a period, those answered on the spot (直办).
public struct FirstContactResolution: Sendable, Equatable {
  public var received: Int
  public var resolved: Int

  /// The share resolved at first contact, nil when nothing was received.
  public var rate: Double? { received == 0 ? nil : Double(resolved) / Double(received) }
}

extension Store {
  /// Hotline and mailbox messages received in `[from, before)` (of one dispatching office, or all),
  /// and how many of them the office answered directly (an `answer_directly` event).
  public func firstContactResolution(
    from: Date, before: Date, dispatchingUnit: UUID? = nil
  ) async throws -> FirstContactResolution {
    let sql = try Self.sql(readDB)
    let office = dispatchingUnit.map { SQLQueryString("AND m.dispatching_unit_id = \(bind: $0)") } ?? SQLQueryString("")
    // The channel condition is written as the partial index has it, so both databases use the index,
    // which holds every column the count reads (0036). SQLite is told: for one office it would rather
    // walk all of that office's messages by another index.
    let table = database.sqliteReaders != nil ? "messages m INDEXED BY messages_first_contact" : "messages m"
    let received = try await sql.raw(
      """
      SELECT COUNT(*) AS n FROM \(unsafeRaw: table)
      WHERE \(unsafeRaw: Self.firstContactChannels) AND m.created_at >= \(bind: from) AND m.created_at < \(bind: before)
        \(office)
      """
    ).first()?.decode(column: "n", as: Int.self)
    let resolved = try await sql.raw(
      """
      SELECT COUNT(DISTINCT e.message_id) AS n FROM events e JOIN messages m ON m.id = e.message_id
      WHERE e.action = 'answer_directly' AND \(unsafeRaw: Self.firstContactChannels)
        AND m.created_at >= \(bind: from) AND m.created_at < \(bind: before) \(office)
      """
    ).first()?.decode(column: "n", as: Int.self)
    return FirstContactResolution(received: received ?? 0, resolved: resolved ?? 0)
  }

  /// The channels of first contact (calls and letters), as SQL; the partial index of migration 0033
  /// is defined with the same text.
  static let firstContactChannels = "channel IN ('hotline', 'mailbox')"

}
