import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// `ReferenceStorage` through SQLKit; reference data changes rarely, so SQLite uses this one too (over
/// Fluent's connection), and the contract suite runs it on both databases.
struct SQLReferenceStorage: ReferenceStorage {
  let connection: SQLConnection

  func snapshot() async throws -> ReferenceCache.Snapshot {
    let sql = try connection.sql
    var snapshot = ReferenceCache.Snapshot(loadedAt: ContinuousClock.now)
    for r in try await sql.select().column("*").from("regions").all(decoding: RegionRow.self) {
      snapshot.regions[r.id] = Region(
        id: r.id, code: r.code, name: r.name, parentID: r.parent_id, dispatchingUnitID: r.dispatching_unit_id)
    }
    for r in try await sql.select().column("*").from("leaders").all(decoding: LeaderRow.self) {
      snapshot.leaders[r.id] = Leader(
        id: r.id, code: r.code, title: r.title, regionID: r.region_id, dispatchingUnitID: r.dispatching_unit_id)
    }
    for r in try await sql.select().column("*").from("units").all(decoding: UnitRow.self) {
      snapshot.units[r.id] = MinshengCore.Unit(
        id: r.id, code: r.code, name: r.name, regionID: r.region_id, requiresReplyReview: r.requires_reply_review)
    }
    for r in try await sql.select().column("*").from("categories").all(decoding: CategoryRow.self) {
      snapshot.categories[r.id] = MinshengCore.Category(
        id: r.id, code: r.code, name: r.name, parentID: r.parent_id,
        questions: r.questions.flatMap { try? JSONDecoder().decode([ServiceQuestion].self, from: Data($0.utf8)) } ?? [])
    }
    snapshot.routingRules = try await routingRuleEntries().map(\.rule)
    snapshot.bannedWords = try await sql.select().column("*").from("banned_words").orderBy("word")
      .all(decoding: BannedWordRow.self).compactMap { row in
        BannedWord.Severity(rawValue: row.severity).map { BannedWord(id: row.id, word: row.word, severity: $0) }
      }
    return snapshot
  }

  func insert(_ row: ReferenceRow, change: ReferenceChangeEntry) async throws {
    do {
      try await connection.transaction { sql in
        try await sql.insert(into: row.table.rawValue).columns(row.values.map(\.column))
          .values(row.values.map(\.value.bind)).run()
        try await Self.record(change, on: sql)
      }
    } catch let error as any DatabaseError where error.isConstraintFailure && row.duplicate != nil {
      _ = error
      throw StoreError.duplicate(row.duplicate?.record ?? .message, key: row.duplicate?.key ?? "")
    }
  }

  func update(
    _ table: ReferenceTable, id: UUID, set values: [String: StoreValue], whileNull: String?,
    change: ReferenceChangeEntry
  )
    async throws -> Bool
  {
    try await connection.transaction { sql in
      let update = sql.update(table.rawValue)
      for (column, value) in values.sorted(by: { $0.key < $1.key }) {
        update.set(SQLIdentifier(column), to: value.bind)
      }
      update.where("id", .equal, id)
      if let whileNull { update.where(SQLIdentifier(whileNull), .is, SQLLiteral.null) }
      guard !(try await update.returning("id").all().isEmpty) else { return false }
      try await Self.record(change, on: sql)
      return true
    }
  }

  func delete(_ table: ReferenceTable, id: UUID, change: ReferenceChangeEntry) async throws -> Bool {
    try await connection.transaction { sql in
      guard !(try await sql.delete(from: table.rawValue).where("id", .equal, id).returning("id").all().isEmpty) else {
        return false
      }
      try await Self.record(change, on: sql)
      return true
    }
  }

  /// Records a change to reference data inside the caller's transaction.
  static func record(_ entry: ReferenceChangeEntry, on sql: any SQLDatabase) async throws {
    try await sql.insert(into: "reference_changes")
      .columns("id", "at", "actor_id", "entity", "entity_id", "action", "after")
      .values(
        SQLBind(entry.id), SQLBind(entry.at), SQLBind(entry.actor), SQLBind(entry.change.entity),
        SQLBind(entry.change.id), SQLBind(entry.action), SQLBind(EventRecord.encodePayload(entry.change.after))
      ).run()
  }

  func routingRuleEntries() async throws -> [(id: UUID, rule: RoutingRule)] {
    try await connection.sql.select().column("*").from("routing_rules").all(decoding: RuleRow.self).map {
      ($0.id, RoutingRule(categoryID: $0.category_id, regionCode: $0.region_code, unitID: $0.unit_id))
    }
  }

  func changes(of id: UUID) async throws -> [ReferenceChangeRecord] {
    try await connection.sql.select().column("*").from("reference_changes").where("entity_id", .equal, id)
      .orderBy("at").all(decoding: ChangeRow.self).map(\.core)
  }

  func recentChanges(limit: Int) async throws -> [ReferenceChangeRecord] {
    try await connection.sql.select().column("*").from("reference_changes").orderBy("at", .descending)
      .limit(max(1, min(limit, 500))).all(decoding: ChangeRow.self).map(\.core)
  }

  func ruleDocuments() async throws -> [RuleDocument] {
    try await connection.sql.select().column("*").from("rule_documents").orderBy("kind").orderBy("key")
      .all(decoding: RuleDocumentRow.self).compactMap(\.core)
  }

  func saveRuleDocument(
    _ kind: RuleDocument.Kind, key: String, body: String, newID: UUID, by actor: String, at now: Date,
    summary: [String: String], changeID: UUID
  ) async throws {
    try await connection.transaction { sql in
      let existing = try await sql.select().column("id").from("rule_documents").where("kind", .equal, kind.rawValue)
        .where("key", .equal, key).first(decodingColumn: "id", as: UUID.self)
      let id = existing ?? newID
      if existing != nil {
        try await sql.update("rule_documents").set("body", to: body).set("updated_at", to: now)
          .set("updated_by", to: actor).where("id", .equal, id).run()
      } else {
        try await sql.insert(into: "rule_documents").columns("id", "kind", "key", "body", "updated_at", "updated_by")
          .values(SQLBind(id), SQLBind(kind.rawValue), SQLBind(key), SQLBind(body), SQLBind(now), SQLBind(actor)).run()
      }
      let change = ReferenceChange(entity: kind == .calendar ? "calendar_year" : "sla_rules", id: id, after: summary)
      try await Self.record(
        ReferenceChangeEntry(
          id: changeID, change: change, action: existing == nil ? "create" : "update", actor: actor, at: now),
        on: sql)
    }
  }

  func searchKnowledge(_ words: String, limit: Int) async throws -> [KnowledgeEntry] {
    let select = try connection.read.select().column("*").from("knowledge_entries")
    if !words.isEmpty {
      let pattern = "%" + Store.escapedForLike(words) + "%"
      select.where(
        SQLQueryString(
          "(LOWER(title) LIKE \(bind: pattern) ESCAPE '!' OR LOWER(body) LIKE \(bind: pattern) ESCAPE '!')"))
    }
    return try await select.orderBy("kind").orderBy("updated_at", .descending).limit(max(1, min(limit, 1_000)))
      .all(decoding: KnowledgeEntry.self)
  }

  func frozenHonours() async throws -> [FrozenHonours] {
    try await connection.sql.select().column("*").from("frozen_honours").orderBy("year", .descending)
      .all(decoding: FrozenHonoursRow.self).compactMap(\.core)
  }

  func knowledgeEntry(_ id: UUID) async throws -> KnowledgeEntry? {
    try await connection.sql.select().column("*").from("knowledge_entries").where("id", .equal, id)
      .first(decoding: KnowledgeEntry.self)
  }
}

private struct RegionRow: Decodable {
  var id: UUID
  var code: String
  var name: String
  var parent_id: UUID?
  var dispatching_unit_id: UUID?
}

private struct LeaderRow: Decodable {
  var id: UUID
  var code: String
  var title: String
  var region_id: UUID
  var dispatching_unit_id: UUID?
}

private struct UnitRow: Decodable {
  var id: UUID
  var code: String
  var name: String
  var region_id: UUID
  var requires_reply_review: Bool
}

private struct CategoryRow: Decodable {
  var id: UUID
  var code: String
  var name: String
  var parent_id: UUID?
  var questions: String?
}

private struct RuleRow: Decodable {
  var id: UUID
  var category_id: UUID
  var region_code: String?
  var unit_id: UUID
}

private struct BannedWordRow: Decodable {
  var id: UUID
  var word: String
  var severity: String
}

private struct ChangeRow: Decodable {
  var at: Date
  var actor_id: String
  var action: String
  var entity: String
  var entity_id: UUID
  var after: String

  var core: ReferenceChangeRecord {
    let values = (try? JSONDecoder().decode([String: String].self, from: Data(after.utf8))) ?? [:]
    return ReferenceChangeRecord(
      at: at, actorID: actor_id, action: action, change: ReferenceChange(entity: entity, id: entity_id, after: values))
  }
}

private struct FrozenHonoursRow: Decodable {
  var year: Int
  var body: String
  var frozen_at: Date
  var frozen_by: String

  var core: FrozenHonours? {
    (try? JSONDecoder().decode(HonoursResult.self, from: Data(body.utf8))).map {
      FrozenHonours(result: $0, frozenAt: frozen_at, frozenBy: frozen_by)
    }
  }
}

private struct RuleDocumentRow: Decodable {
  var id: UUID
  var kind: String
  var key: String
  var body: String
  var updated_at: Date
  var updated_by: String

  var core: RuleDocument? {
    RuleDocument.Kind(rawValue: kind).map {
      RuleDocument(id: id, kind: $0, key: key, body: body, updatedAt: updated_at, updatedBy: updated_by)
    }
  }
}
