import Foundation
import MinshengCore

/// `PublicReadStorage` over a statement runner: the SQLite implementation with
/// `SQLiteStatementRunner`, the SQL implementation with `SQLStatementRunner`.
struct StatementPublicReads<Runner: StatementRunner>: PublicReadStorage {
  let runner: Runner

  func publicStamp(of id: UUID) async throws -> PublicStamp? {
    try await runner.all(ReadStatements.publicStamp(id), as: StampRow.self).first
      .map { PublicStamp(version: $0.version, isPublic: $0.shown != 0) }
  }

  func messages(matching filter: MessageFilter, limit: Int) async throws -> [Message] {
    try await runner.messages(ReadStatements.messages(matching: filter, limit: limit))
  }

  func count(matching filter: MessageFilter) async throws -> Int {
    var filter = filter
    filter.after = nil
    return try await runner.integer(
      SQLFragment("SELECT COUNT(*) AS n FROM messages") + .where(filter.conditions))
  }

  func publishedReplyBodies(of ids: [UUID]) async throws -> [UUID: [String]] {
    guard !ids.isEmpty else { return [:] }
    var bodies: [UUID: [String]] = [:]
    for row in try await runner.all(ReadStatements.publishedReplyBodies(ids), as: ReplyBodyRow.self) {
      bodies[row.message_id, default: []].append(row.body)
    }
    return bodies
  }

  func latestReplied(limit: Int) async throws -> [Message] {
    try await runner.messages(ReadStatements.latestReplied(limit: limit))
  }

  func thanksLetters(toUnit unitID: UUID?, before: Date?, limit: Int) async throws -> [ThanksLetter] {
    try await runner.all(
      ReadStatements.thanksLetters(toUnit: unitID, before: before, limit: limit), as: ThanksRecord.self
    ).map(\.core)
  }

  func supervisedOpenMessages(limit: Int) async throws -> [(message: Message, noticedAt: Date)] {
    let rows = try await runner.all(ReadStatements.supervisedOpen(limit: limit), as: NoticedMessageRow.self)
    return zip(try await runner.messages(rows.map(\.message)), rows).map { ($0, $1.noticedAt) }
  }

  func mergedCount(into id: UUID) async throws -> Int {
    try await runner.integer(ReadStatements.mergedCount(id))
  }

  func callerMessages(ofPhone mobile: String, limit: Int) async throws -> [Message] {
    try await runner.messages(ReadStatements.messages(ofPhone: mobile, verified: false, limit: limit))
  }

  func messages(ofPhone mobile: String, limit: Int) async throws -> [Message] {
    try await runner.messages(ReadStatements.messages(ofPhone: mobile, limit: limit))
  }
}

/// A published reply's text and its message.
struct ReplyBodyRow: Decodable, Sendable {
  var message_id: UUID
  var body: String
}
