import FluentKit
import Foundation
import MinshengCore
import SQLKit
import Synchronization

/// The persistence of Minsheng as named operations over core values.
///
/// Fluent models never leave this target. Every write that changes a message runs in one
/// transaction with the event that records it.
public struct Store: Sendable {
  public let database: StoreDatabase
  /// The calendar and SLA rules now in force: those the store was opened with, plus the documents
  /// administrators uploaded (`reloadRules()` reads them again).
  public var rules: CaseRules { ruleState.current }
  let ruleState: RuleState
  let ids: any IdentifierSource
  let references: ReferenceCache
  /// What intake enforces for citizens' messages: moderation before publication and rate limits.
  public let policy: IntakePolicy
  /// The store's own keys, once read from `store_secrets`.
  let secrets = SecretCache()

  public init(
    database: StoreDatabase, rules: CaseRules, ids: any IdentifierSource = RandomIdentifiers(),
    policy: IntakePolicy = .open
  ) {
    self.database = database
    self.ruleState = RuleState(base: rules)
    self.ids = ids
    self.references = ReferenceCache()
    self.policy = policy
  }

  var db: any Database { database.database }
  /// For reads alone (see `StoreDatabase.readDatabase`).
  var readDB: any Database { database.readDatabase }

  // MARK: Reference data

  /// Adds a region under `parent` (nil for the root).
  public func createRegion(
    code: String, name: String, parent: UUID? = nil, by actor: String = "system", at now: Date = Date()
  ) async throws -> Region {
    try Self.checkCode(code)
    try Self.checkName(name, field: "name")
    if let parent, try await references.find({ $0.regions[parent] }, in: db) == nil {
      throw ValidationError(field: "parent_id", reason: .unknownReference)
    }
    let model = RegionModel()
    model.id = ids.newID()
    model.code = code
    model.name = name
    model.parentID = parent
    try await insertUnique(model, what: "区划代码 \(code)", change: { $0.region(model.core) }, by: actor, at: now)
    return model.core
  }

  /// Names the office that dispatches messages sent to `region` without a leader.
  public func setDispatchingUnit(_ unitID: UUID, forRegion regionID: UUID) async throws {
    _ = try await updateRegion(regionID, dispatchingUnit: unitID, by: "system", at: Date())
  }

  /// Adds a unit.
  public func createUnit(
    code: String, name: String, region: UUID, requiresReplyReview: Bool = false, by actor: String = "system",
    at now: Date = Date()
  ) async throws
    -> MinshengCore.Unit
  {
    try Self.checkCode(code)
    try Self.checkName(name, field: "name")
    try await requireRegion(region)
    let model = UnitModel()
    model.id = ids.newID()
    model.code = code
    model.name = name
    model.regionID = region
    model.requiresReplyReview = requiresReplyReview
    try await insertUnique(model, what: "单位代码 \(code)", change: { $0.unit(model.core) }, by: actor, at: now)
    return model.core
  }

  /// Adds a leader's board, dispatched by `dispatchingUnit`.
  public func createLeader(
    code: String, title: String, region: UUID, dispatchingUnit: UUID?, by actor: String = "system",
    at now: Date = Date()
  ) async throws -> Leader {
    try Self.checkCode(code)
    try Self.checkName(title, field: "title")
    try await requireRegion(region)
    if let dispatchingUnit, try await unit(dispatchingUnit) == nil {
      throw ValidationError(field: "dispatching_unit_id", reason: .unknownReference)
    }
    let model = LeaderModel()
    model.id = ids.newID()
    model.code = code
    model.title = title
    model.regionID = region
    model.dispatchingUnitID = dispatchingUnit
    try await insertUnique(model, what: "领导信箱代码 \(code)", change: { $0.leader(model.core) }, by: actor, at: now)
    return model.core
  }

  /// Adds a category under `parent` (nil for a first-level category).
  public func createCategory(
    code: String, name: String, parent: UUID? = nil, by actor: String = "system", at now: Date = Date()
  ) async throws -> MinshengCore.Category {
    try Self.checkCode(code)
    try Self.checkName(name, field: "name")
    if let parent, try await references.find({ $0.categories[parent] }, in: db) == nil {
      throw ValidationError(field: "parent_id", reason: .unknownReference)
    }
    let model = CategoryModel()
    model.id = ids.newID()
    model.code = code
    model.name = name
    model.parentID = parent
    try await insertUnique(model, what: "领域代码 \(code)", change: { $0.category(model.core) }, by: actor, at: now)
    return model.core
  }

  /// Adds a routing rule: `category` in `regionCode` (and below; nil for everywhere) goes to `unit`.
  /// Adds a routing rule and returns its id (for `removeRoutingRule`).
  @discardableResult
  public func addRoutingRule(
    _ rule: RoutingRule, by actor: String = "system", at now: Date = Date()
  ) async throws
    -> UUID
  {
    if try await references.find({ $0.categories[rule.categoryID] }, in: db) == nil {
      throw ValidationError(field: "category_id", reason: .unknownReference)
    }
    if try await unit(rule.unitID) == nil { throw ValidationError(field: "unit_id", reason: .unknownReference) }
    if let code = rule.regionCode,
      try await references.find({ $0.regions.values.first { $0.code == code } }, in: db) == nil
    {
      throw ValidationError(field: "region_code", reason: .unknownReference)
    }
    let model = RoutingRuleModel()
    let id = ids.newID()
    model.id = id
    model.categoryID = rule.categoryID
    model.regionCode = rule.regionCode
    model.unitID = rule.unitID
    try await db.transaction { tx in
      try await model.create(on: tx)
      try await self.record(.routingRule(rule, id: id), action: "create", by: actor, at: now, on: tx)
    }
    references.invalidate()
    return id
  }

  /// Removes a routing rule: messages received afterwards are no longer suggested its unit (those
  /// already received keep their suggestion). The removal, with the rule's values, is recorded in
  /// `reference_changes` in the same transaction.
  public func removeRoutingRule(_ id: UUID, by actor: String, at now: Date) async throws {
    try await db.transaction { tx in
      guard let model = try await RoutingRuleModel.find(id, on: tx) else { throw StoreError.notFound("分派规则") }
      let rule = RoutingRule(categoryID: model.categoryID, regionCode: model.regionCode, unitID: model.unitID)
      try await model.delete(on: tx)
      try await self.record(.routingRule(rule, id: id), action: "delete", by: actor, at: now, on: tx)
    }
    references.invalidate()
  }

  /// The routing rules with their ids, ordered by category, region and unit, as administrators see them.
  public func routingRuleEntries() async throws -> [(id: UUID, rule: RoutingRule)] {
    try await RoutingRuleModel.query(on: db).all().compactMap { model in
      model.id.map {
        ($0, RoutingRule(categoryID: model.categoryID, regionCode: model.regionCode, unitID: model.unitID))
      }
    }.sorted {
      ($0.rule.categoryID.uuidString, $0.rule.regionCode ?? "", $0.rule.unitID.uuidString, $0.id.uuidString)
        < ($1.rule.categoryID.uuidString, $1.rule.regionCode ?? "", $1.rule.unitID.uuidString, $1.id.uuidString)
    }
  }

  public func regions() async throws -> [Region] {
    try await RegionModel.query(on: db).sort(\.$code).all().map(\.core)
  }

  public func units() async throws -> [MinshengCore.Unit] {
    try await UnitModel.query(on: db).sort(\.$code).all().map(\.core)
  }

  public func unit(_ id: UUID) async throws -> MinshengCore.Unit? {
    try await references.find({ $0.units[id] }, in: db)
  }

  public func leader(_ id: UUID) async throws -> Leader? {
    try await references.find({ $0.leaders[id] }, in: db)
  }

  public func leaders() async throws -> [Leader] {
    try await LeaderModel.query(on: db).sort(\.$code).all().map(\.core)
  }

  public func categories() async throws -> [MinshengCore.Category] {
    try await CategoryModel.query(on: db).sort(\.$code).all().map(\.core)
  }

  public func routingRules() async throws -> [RoutingRule] {
    try await RoutingRuleModel.query(on: db).all().map {
      RoutingRule(categoryID: $0.categoryID, regionCode: $0.regionCode, unitID: $0.unitID)
    }
  }

  /// The region and its ancestors, nearest first; empty when the region does not exist.
  public func regionPath(of regionID: UUID?) async throws -> [Region] {
    guard let regionID else { return [] }
    guard let regions = try await references.find({ $0.regions[regionID] == nil ? nil : $0.regions }, in: db) else {
      return []
    }
    var path: [Region] = []
    var current: UUID? = regionID
    while let id = current, path.count < 16, let region = regions[id] {
      path.append(region)
      current = region.parentID
    }
    return path
  }

  /// Inserts a reference row and its audit record in one transaction; a taken code is a duplicate.
  private func insertUnique<M: Model>(
    _ model: M, what: String, change: @escaping @Sendable (ReferenceChange.Type) -> ReferenceChange,
    by actor: String, at now: Date
  ) async throws {
    do {
      try await db.transaction { tx in
        try await model.create(on: tx)
        try await self.record(change(ReferenceChange.self), action: "create", by: actor, at: now, on: tx)
      }
    } catch let error as any DatabaseError where error.isConstraintFailure {
      throw StoreError.duplicate(what)
    }
    references.invalidate()
  }
}

/// Secrets read from the database, kept for the life of the store.
final class SecretCache: Sendable {
  private let values = Mutex<[String: String]>([:])

  func withLock<T: Sendable>(_ body: (inout [String: String]) -> T) -> T {
    values.withLock { body(&$0) }
  }
}
