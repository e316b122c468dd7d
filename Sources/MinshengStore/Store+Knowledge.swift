import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// 知识库: an approved answer (a question citizens ask often, answered once and checked) or a reply
/// template (a frame for a unit's reply).
public struct KnowledgeEntry: Sendable, Equatable, Codable, Identifiable {
  public enum Kind: String, Sendable, Codable, CaseIterable {
    case answer
    case template
  }

  public var id: UUID
  public var kind: Kind
  public var title: String
  public var body: String
  public var categoryID: UUID?
  public var updatedAt: Date

  enum CodingKeys: String, CodingKey {
    case id, kind, title, body
    case categoryID = "category_id"
    case updatedAt = "updated_at"
  }
}

extension ReferenceChange {
  static func knowledge(_ entry: KnowledgeEntry) -> ReferenceChange {
    ReferenceChange(
      entity: "knowledge_entry", id: entry.id,
      after: [
        "kind": entry.kind.rawValue, "title": entry.title, "body": entry.body,
        "category_id": entry.categoryID?.uuidString ?? "",
      ])
  }
}

extension Store {
  /// Adds or replaces a knowledge entry (admins); each change is recorded in `reference_changes`.
  @discardableResult
  public func saveKnowledge(
    id: UUID? = nil, kind: KnowledgeEntry.Kind, title: String, body: String, category: UUID?, by actor: String,
    at now: Date
  ) async throws -> KnowledgeEntry {
    let title = Self.trimmed(title)
    let body = Self.trimmed(body)
    var problems: [ValidationError.Problem] = []
    if title.isEmpty { problems.append(.init(field: "title", reason: .missing)) }
    if title.count > 100 { problems.append(.init(field: "title", reason: .tooLong(max: 100))) }
    if body.isEmpty { problems.append(.init(field: "body", reason: .missing)) }
    if body.count > 5_000 { problems.append(.init(field: "body", reason: .tooLong(max: 5_000))) }
    if let category, try await references.find({ $0.categories[category] }, in: db) == nil {
      problems.append(.init(field: "category_id", reason: .unknownReference))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    let entry = KnowledgeEntry(
      id: id ?? ids.newID(), kind: kind, title: title, body: body, categoryID: category, updatedAt: now)
    try await db.transaction { tx in
      let sql = try Self.sql(tx)
      if let id {
        let updated = try await sql.raw(
          """
          UPDATE knowledge_entries SET kind = \(bind: kind.rawValue), title = \(bind: title), body = \(bind: body),
            category_id = \(bind: category), updated_at = \(bind: now)
          WHERE id = \(bind: id) RETURNING id
          """
        ).all()
        guard !updated.isEmpty else { throw StoreError.notFound("知识库条目") }
      } else {
        try await sql.insert(into: "knowledge_entries").columns(
          "id", "kind", "title", "body", "category_id", "updated_at"
        )
        .values(
          SQLBind(entry.id), SQLBind(kind.rawValue), SQLBind(title), SQLBind(body), SQLBind(category), SQLBind(now)
        ).run()
      }
      try await self.record(.knowledge(entry), action: id == nil ? "create" : "update", by: actor, at: now, on: tx)
    }
    return entry
  }

  /// Entries whose title or text contains `query` (all when it is empty), answers first, newest first.
  public func searchKnowledge(_ query: String, limit: Int = 20) async throws -> [KnowledgeEntry] {
    let words = query.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    let select = try Self.sql(readDB).select().column("*").from("knowledge_entries")
    if !words.isEmpty {
      let pattern = "%" + Self.escapedForLike(words) + "%"
      select.where(
        SQLQueryString(
          "(LOWER(title) LIKE \(bind: pattern) ESCAPE '!' OR LOWER(body) LIKE \(bind: pattern) ESCAPE '!')"))
    }
    return try await select.orderBy("kind").orderBy("updated_at", .descending).limit(max(1, min(limit, 100)))
      .all(decoding: KnowledgeEntry.self)
  }

  /// Removes an entry (admins), recorded in `reference_changes`.
  public func deleteKnowledge(_ id: UUID, by actor: String, at now: Date) async throws {
    guard
      let entry = try await Self.sql(db).select().column("*").from("knowledge_entries").where("id", .equal, id)
        .first(decoding: KnowledgeEntry.self)
    else { throw StoreError.notFound("知识库条目") }
    try await db.transaction { tx in
      try await Self.sql(tx).delete(from: "knowledge_entries").where("id", .equal, id).run()
      try await self.record(.knowledge(entry), action: "delete", by: actor, at: now, on: tx)
    }
  }
}
