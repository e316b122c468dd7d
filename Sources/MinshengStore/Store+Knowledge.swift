import Foundation
import MinshengCore

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
    if let category, try await find({ $0.categories[category] }) == nil {
      problems.append(.init(field: "category_id", reason: .unknownReference))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    let entry = KnowledgeEntry(
      id: id ?? ids.newID(), kind: kind, title: title, body: body, categoryID: category, updatedAt: now)
    let values: [(column: String, value: StoreValue)] = [
      ("kind", .text(kind.rawValue)), ("title", .text(title)), ("body", .text(body)),
      ("category_id", .optional(category)),
      ("updated_at", .date(now)),
    ]
    if let id {
      let change = changeEntry(.knowledge(entry), "update", by: actor, at: now)
      guard
        try await reference.update(
          .knowledge, id: id, set: Dictionary(uniqueKeysWithValues: values.map { ($0.column, $0.value) }),
          change: change)
      else { throw StoreError.notFound(.knowledgeEntry) }
    } else {
      try await reference.insert(
        ReferenceRow(table: .knowledge, values: [("id", .uuid(entry.id))] + values, duplicate: nil),
        change: changeEntry(.knowledge(entry), "create", by: actor, at: now))
    }
    return entry
  }

  /// Entries whose title or text contains `query` (all when it is empty), answers first, newest first.
  public func searchKnowledge(_ query: String, limit: Int = 20) async throws -> [KnowledgeEntry] {
    try await reference.searchKnowledge(Self.searchWords(query), limit: limit)
  }

  /// The entries most relevant to a case (`KnowledgeRelevance`), for its page when no search was typed.
  public func knowledge(relevantTo message: Message, limit: Int = 10) async throws -> [KnowledgeEntry] {
    let entries = try await reference.searchKnowledge("", limit: 1_000)
    let order = KnowledgeRelevance.order(
      entries.map { KnowledgeRelevance.Text(title: $0.title, body: $0.body, categoryID: $0.categoryID) },
      for: KnowledgeRelevance.Text(title: message.title, body: message.body, categoryID: message.categoryID))
    return order.prefix(max(1, limit)).map { entries[$0] }
  }

  /// Removes an entry (admins), recorded in `reference_changes`.
  public func deleteKnowledge(_ id: UUID, by actor: String, at now: Date) async throws {
    guard let entry = try await reference.knowledgeEntry(id),
      try await reference.delete(
        .knowledge, id: id, change: changeEntry(.knowledge(entry), "delete", by: actor, at: now))
    else { throw StoreError.notFound(.knowledgeEntry) }
  }
}
