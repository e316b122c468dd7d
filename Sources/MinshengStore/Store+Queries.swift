import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// What a list of messages is narrowed to; every field is optional.
public struct MessageFilter: Sendable, Equatable {
  public var publicOnly = true
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

  public init() {}
}

/// One page of messages, newest serial first, and where the next page starts.
public struct MessagePage: Sendable {
  public var messages: [Message]
  public var nextAfter: Serial?
}

extension Store {
  /// Messages matching `filter`, newest serial first, at most `limit` (1–200) per page.
  ///
  /// Pages are keyed by serial number, so a page never repeats or skips a message when new ones
  /// arrive while someone is paging.
  public func messages(matching filter: MessageFilter, limit: Int = 50) async throws -> MessagePage {
    let limit = max(1, min(limit, 200))
    let sql = try Self.sql(db)
    let query = sql.select().column("*").from(MessageRecord.schema)
    if filter.publicOnly { query.where("is_public", .equal, true) }
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
    if let after = filter.after {
      query.where { group in
        group.where("serial_year", .lessThan, after.year)
          .orWhere { inner in
            inner.where("serial_year", .equal, after.year).where("serial_number", .lessThan, after.number)
          }
      }
    }
    let records = try await query.orderBy("serial_year", .descending).orderBy("serial_number", .descending)
      .limit(limit + 1).all(decoding: MessageRecord.self)
    var messages: [Message] = []
    for record in records.prefix(limit) {
      messages.append(try record.core(assisting: try await sql.assistingUnits(of: record.id)))
    }
    return MessagePage(messages: messages, nextAfter: records.count > limit ? messages.last?.serial : nil)
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
