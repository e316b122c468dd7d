import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// The persistence of Minsheng as named operations over core values.
///
/// Fluent models never leave this target. Every write that changes a message runs in one
/// transaction with the event that records it.
public struct Store: Sendable {
  public let database: StoreDatabase
  public let rules: CaseRules
  let ids: any IdentifierSource
  let references: ReferenceCache

  public init(database: StoreDatabase, rules: CaseRules, ids: any IdentifierSource = RandomIdentifiers()) {
    self.database = database
    self.rules = rules
    self.ids = ids
    self.references = ReferenceCache()
  }

  var db: any Database { database.database }

  // MARK: Reference data

  /// Adds a region under `parent` (nil for the root).
  public func createRegion(code: String, name: String, parent: UUID? = nil) async throws -> Region {
    let model = RegionModel()
    model.id = ids.newID()
    model.code = code
    model.name = name
    model.parentID = parent
    try await insertUnique(model, what: "区划代码 \(code)")
    references.invalidate()
    return model.core
  }

  /// Names the office that dispatches messages sent to `region` without a leader.
  public func setDispatchingUnit(_ unitID: UUID, forRegion regionID: UUID) async throws {
    guard let region = try await RegionModel.find(regionID, on: db) else { throw StoreError.notFound("区划") }
    region.dispatchingUnitID = unitID
    try await region.save(on: db)
    references.invalidate()
  }

  /// Adds a unit.
  public func createUnit(
    code: String, name: String, region: UUID, requiresReplyReview: Bool = false
  ) async throws
    -> MinshengCore.Unit
  {
    let model = UnitModel()
    model.id = ids.newID()
    model.code = code
    model.name = name
    model.regionID = region
    model.requiresReplyReview = requiresReplyReview
    try await insertUnique(model, what: "单位代码 \(code)")
    references.invalidate()
    return model.core
  }

  /// Adds a leader's board, dispatched by `dispatchingUnit`.
  public func createLeader(code: String, title: String, region: UUID, dispatchingUnit: UUID?) async throws -> Leader {
    let model = LeaderModel()
    model.id = ids.newID()
    model.code = code
    model.title = title
    model.regionID = region
    model.dispatchingUnitID = dispatchingUnit
    try await insertUnique(model, what: "领导信箱代码 \(code)")
    references.invalidate()
    return model.core
  }

  /// Adds a category under `parent` (nil for a first-level category).
  public func createCategory(code: String, name: String, parent: UUID? = nil) async throws -> MinshengCore.Category {
    let model = CategoryModel()
    model.id = ids.newID()
    model.code = code
    model.name = name
    model.parentID = parent
    try await insertUnique(model, what: "领域代码 \(code)")
    references.invalidate()
    return model.core
  }

  /// Adds a routing rule: `category` in `regionCode` (and below; nil for everywhere) goes to `unit`.
  public func addRoutingRule(_ rule: RoutingRule) async throws {
    let model = RoutingRuleModel()
    model.id = ids.newID()
    model.categoryID = rule.categoryID
    model.regionCode = rule.regionCode
    model.unitID = rule.unitID
    try await model.create(on: db)
    references.invalidate()
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

  private func insertUnique(_ model: some Model, what: String) async throws {
    do {
      try await model.create(on: db)
    } catch let error as any DatabaseError where error.isConstraintFailure {
      throw StoreError.duplicate(what)
    }
  }
}
