import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// A change to reference data as recorded in `reference_changes`: what changed, and the row's
/// values after the change.
public struct ReferenceChange: Sendable, Equatable {
  public var entity: String
  public var id: UUID
  public var after: [String: String]

  static func region(_ region: Region) -> ReferenceChange {
    ReferenceChange(
      entity: "region", id: region.id,
      after: [
        "code": region.code, "name": region.name, "parent_id": region.parentID?.uuidString ?? "",
        "dispatching_unit_id": region.dispatchingUnitID?.uuidString ?? "",
      ])
  }

  static func unit(_ unit: MinshengCore.Unit) -> ReferenceChange {
    ReferenceChange(
      entity: "unit", id: unit.id,
      after: [
        "code": unit.code, "name": unit.name, "region_id": unit.regionID.uuidString,
        "requires_reply_review": unit.requiresReplyReview ? "true" : "false",
      ])
  }

  static func leader(_ leader: Leader) -> ReferenceChange {
    ReferenceChange(
      entity: "leader", id: leader.id,
      after: [
        "code": leader.code, "title": leader.title, "region_id": leader.regionID.uuidString,
        "dispatching_unit_id": leader.dispatchingUnitID?.uuidString ?? "",
      ])
  }

  static func routingRule(_ rule: RoutingRule, id: UUID) -> ReferenceChange {
    ReferenceChange(
      entity: "routing_rule", id: id,
      after: [
        "category_id": rule.categoryID.uuidString, "region_code": rule.regionCode ?? "",
        "unit_id": rule.unitID.uuidString,
      ])
  }

  static func category(_ category: MinshengCore.Category) -> ReferenceChange {
    ReferenceChange(
      entity: "category", id: category.id,
      after: ["code": category.code, "name": category.name, "parent_id": category.parentID?.uuidString ?? ""])
  }
}

/// One recorded change, as read back.
public struct ReferenceChangeRecord: Sendable, Equatable {
  public var at: Date
  public var actorID: String
  public var action: String
  public var change: ReferenceChange
}

extension Store {
  /// Records a change to reference data inside the caller's transaction.
  func record(
    _ change: ReferenceChange, action: String, by actor: String, at now: Date, on tx: any Database
  )
    async throws
  {
    try await Self.sql(tx).insert(into: "reference_changes")
      .columns("id", "at", "actor_id", "entity", "entity_id", "action", "after")
      .values(
        SQLBind(ids.newID()), SQLBind(now), SQLBind(actor), SQLBind(change.entity), SQLBind(change.id),
        SQLBind(action), SQLBind(EventRecord.encodePayload(change.after))
      ).run()
  }

  /// The recorded changes to one row of reference data, oldest first.
  public func referenceChanges(of id: UUID) async throws -> [ReferenceChangeRecord] {
    try await Self.sql(db).select().column("*").from("reference_changes").where("entity_id", .equal, id)
      .orderBy("at").all().map(Self.referenceChange)
  }

  /// The latest changes to reference data, accounts and rules, newest first (the administrators' log).
  public func recentReferenceChanges(limit: Int = 50) async throws -> [ReferenceChangeRecord] {
    try await Self.sql(db).select().column("*").from("reference_changes").orderBy("at", .descending)
      .limit(max(1, min(limit, 500))).all().map(Self.referenceChange)
  }

  private static func referenceChange(_ row: any SQLRow) throws -> ReferenceChangeRecord {
    let after = try JSONDecoder().decode(
      [String: String].self, from: Data(try row.decode(column: "after", as: String.self).utf8))
    return ReferenceChangeRecord(
      at: try row.decode(column: "at", as: Date.self), actorID: try row.decode(column: "actor_id", as: String.self),
      action: try row.decode(column: "action", as: String.self),
      change: ReferenceChange(
        entity: try row.decode(column: "entity", as: String.self),
        id: try row.decode(column: "entity_id", as: UUID.self),
        after: after))
  }

  /// Renames a region or names the office that dispatches its messages; nil leaves a field as it is.
  public func updateRegion(
    _ id: UUID, name: String? = nil, dispatchingUnit: UUID? = nil, by actor: String, at now: Date
  ) async throws -> Region {
    try Self.checkName(name, field: "name")
    if let dispatchingUnit { try await requireUnit(dispatchingUnit, field: "dispatching_unit_id") }
    return try await change(RegionModel.self, id, what: "区划", by: actor, at: now) { model in
      if let name { model.name = Self.trimmed(name) }
      if let dispatchingUnit { model.dispatchingUnitID = dispatchingUnit }
    } result: {
      ($0.core, .region($0.core))
    }
  }

  /// Renames a unit or changes whether its replies need a reviewer's approval.
  public func updateUnit(
    _ id: UUID, name: String? = nil, requiresReplyReview: Bool? = nil, by actor: String, at now: Date
  ) async throws -> MinshengCore.Unit {
    try Self.checkName(name, field: "name")
    return try await change(UnitModel.self, id, what: "单位", by: actor, at: now) { model in
      if let name { model.name = Self.trimmed(name) }
      if let requiresReplyReview { model.requiresReplyReview = requiresReplyReview }
    } result: {
      ($0.core, .unit($0.core))
    }
  }

  /// Retitles a leader's board or hands its dispatching to another office.
  public func updateLeader(
    _ id: UUID, title: String? = nil, dispatchingUnit: UUID? = nil, by actor: String, at now: Date
  ) async throws -> Leader {
    try Self.checkName(title, field: "title")
    if let dispatchingUnit { try await requireUnit(dispatchingUnit, field: "dispatching_unit_id") }
    return try await change(LeaderModel.self, id, what: "领导信箱", by: actor, at: now) { model in
      if let title { model.title = Self.trimmed(title) }
      if let dispatchingUnit { model.dispatchingUnitID = dispatchingUnit }
    } result: {
      ($0.core, .leader($0.core))
    }
  }

  /// Renames a category.
  public func updateCategory(
    _ id: UUID, name: String?, by actor: String, at now: Date
  ) async throws
    -> MinshengCore.Category
  {
    try Self.checkName(name, field: "name")
    return try await change(CategoryModel.self, id, what: "领域", by: actor, at: now) { model in
      if let name { model.name = Self.trimmed(name) }
    } result: {
      ($0.core, .category($0.core))
    }
  }

  /// Changes one reference row and records the change, in one transaction; the snapshot is reloaded.
  private func change<M: Model, T: Sendable>(
    _ type: M.Type, _ id: UUID, what: String, by actor: String, at now: Date,
    apply: @escaping @Sendable (M) -> Void, result: @escaping @Sendable (M) -> (T, ReferenceChange)
  ) async throws -> T where M.IDValue == UUID {
    let value = try await db.transaction { tx -> T in
      guard let model = try await M.find(id, on: tx) else { throw StoreError.notFound(what) }
      apply(model)
      try await model.save(on: tx)
      let (value, change) = result(model)
      try await self.record(change, action: "update", by: actor, at: now, on: tx)
      return value
    }
    references.invalidate()
    return value
  }

  func requireRegion(_ id: UUID) async throws {
    if try await references.find({ $0.regions[id] }, in: db) == nil {
      throw ValidationError(field: "region_id", reason: .unknownReference)
    }
  }

  /// A code: 1–32 letters, digits, `-` or `_`.
  static func checkCode(_ code: String) throws {
    let allowed = code.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
    }
    if !(1...32).contains(code.count) || !allowed {
      throw ValidationError(field: "code", reason: .invalid("代码须为 1 到 32 位字母、数字、- 或 _"))
    }
  }

  private func requireUnit(_ id: UUID, field: String) async throws {
    if try await unit(id) == nil { throw ValidationError(field: field, reason: .unknownReference) }
  }

  /// A name or title: 1–100 characters after trimming.
  static func checkName(_ name: String?, field: String) throws {
    guard let name else { return }
    if !(1...100).contains(trimmed(name).count) {
      throw ValidationError(field: field, reason: .invalid("须为 1 到 100 个字"))
    }
  }

  static func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
}
