import Foundation
import MinshengCore

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
  // MARK: Creating

  /// Adds a region under `parent` (nil for the root).
  public func createRegion(
    code: String, name: String, parent: UUID? = nil, by actor: String = "system", at now: Date = Date()
  ) async throws -> Region {
    try Self.checkCode(code)
    try Self.checkName(name, field: "name")
    if let parent, try await find({ $0.regions[parent] }) == nil {
      throw ValidationError(field: "parent_id", reason: .unknownReference)
    }
    let region = Region(id: ids.newID(), code: code, name: Self.trimmed(name), parentID: parent, dispatchingUnitID: nil)
    try await insert(
      ReferenceRow(
        table: .regions,
        values: [
          ("id", .uuid(region.id)), ("code", .text(code)), ("name", .text(region.name)),
          ("parent_id", .optional(parent)),
        ], duplicate: (.regionCode, code)), change: .region(region), by: actor, at: now)
    return region
  }

  /// Names the office that dispatches messages sent to `region` without a leader.
  public func setDispatchingUnit(_ unitID: UUID, forRegion regionID: UUID) async throws {
    _ = try await updateRegion(regionID, dispatchingUnit: unitID, by: "system", at: Date())
  }

  /// Adds a unit.
  public func createUnit(
    code: String, name: String, region: UUID, requiresReplyReview: Bool = false, by actor: String = "system",
    at now: Date = Date()
  ) async throws -> MinshengCore.Unit {
    try Self.checkCode(code)
    try Self.checkName(name, field: "name")
    try await requireRegion(region)
    let unit = MinshengCore.Unit(
      id: ids.newID(), code: code, name: Self.trimmed(name), regionID: region, requiresReplyReview: requiresReplyReview)
    try await insert(
      ReferenceRow(
        table: .units,
        values: [
          ("id", .uuid(unit.id)), ("code", .text(code)), ("name", .text(unit.name)), ("region_id", .uuid(region)),
          ("requires_reply_review", .bool(requiresReplyReview)),
        ], duplicate: (.unitCode, code)), change: .unit(unit), by: actor, at: now)
    return unit
  }

  /// Adds a leader's board, dispatched by `dispatchingUnit`.
  public func createLeader(
    code: String, title: String, region: UUID, dispatchingUnit: UUID?, by actor: String = "system",
    at now: Date = Date()
  ) async throws -> Leader {
    try Self.checkCode(code)
    try Self.checkName(title, field: "title")
    try await requireRegion(region)
    if let dispatchingUnit { try await requireUnit(dispatchingUnit, field: "dispatching_unit_id") }
    let leader = Leader(
      id: ids.newID(), code: code, title: Self.trimmed(title), regionID: region, dispatchingUnitID: dispatchingUnit)
    try await insert(
      ReferenceRow(
        table: .leaders,
        values: [
          ("id", .uuid(leader.id)), ("code", .text(code)), ("title", .text(leader.title)), ("region_id", .uuid(region)),
          ("dispatching_unit_id", .optional(dispatchingUnit)),
        ], duplicate: (.leaderCode, code)), change: .leader(leader), by: actor, at: now)
    return leader
  }

  /// Adds a routing rule — `category` in `regionCode` (and below; nil for everywhere) goes to `unit`
  /// — and returns its id (for `removeRoutingRule`).
  @discardableResult
  public func addRoutingRule(
    _ rule: RoutingRule, by actor: String = "system", at now: Date = Date()
  ) async throws
    -> UUID
  {
    if try await find({ $0.categories[rule.categoryID] }) == nil {
      throw ValidationError(field: "category_id", reason: .unknownReference)
    }
    try await requireUnit(rule.unitID, field: "unit_id")
    if let code = rule.regionCode, try await find({ $0.regions.values.first { $0.code == code } }) == nil {
      throw ValidationError(field: "region_code", reason: .unknownReference)
    }
    let id = ids.newID()
    try await insert(
      ReferenceRow(
        table: .routingRules,
        values: [
          ("id", .uuid(id)), ("category_id", .uuid(rule.categoryID)), ("region_code", .optional(rule.regionCode)),
          ("unit_id", .uuid(rule.unitID)),
        ], duplicate: nil), change: .routingRule(rule, id: id), by: actor, at: now)
    return id
  }

  /// Removes a routing rule: messages received afterwards are no longer suggested its unit (those
  /// already received keep their suggestion). The removal, with the rule's values, is recorded in
  /// `reference_changes` in the same transaction.
  public func removeRoutingRule(_ id: UUID, by actor: String, at now: Date) async throws {
    guard let rule = try await routingRuleEntries().first(where: { $0.id == id })?.rule else {
      throw StoreError.notFound(.routingRule)
    }
    guard
      try await reference.delete(
        .routingRules, id: id, change: changeEntry(.routingRule(rule, id: id), "delete", by: actor, at: now))
    else { throw StoreError.notFound(.routingRule) }
    references.invalidate()
  }

  func insert(_ row: ReferenceRow, change: ReferenceChange, by actor: String, at now: Date) async throws {
    try await reference.insert(row, change: changeEntry(change, "create", by: actor, at: now))
    references.invalidate()
  }

  // MARK: Changing

  /// Renames a region or names the office that dispatches its messages; nil leaves a field as it is.
  public func updateRegion(
    _ id: UUID, name: String? = nil, dispatchingUnit: UUID? = nil, by actor: String, at now: Date
  ) async throws -> Region {
    try Self.checkName(name, field: "name")
    if let dispatchingUnit { try await requireUnit(dispatchingUnit, field: "dispatching_unit_id") }
    guard var region = try await find({ $0.regions[id] }) else { throw StoreError.notFound(.region) }
    if let name { region.name = Self.trimmed(name) }
    if let dispatchingUnit { region.dispatchingUnitID = dispatchingUnit }
    try await update(
      .regions, id, ["name": .text(region.name), "dispatching_unit_id": .optional(region.dispatchingUnitID)],
      .region(region), record: .region, by: actor, at: now)
    return region
  }

  /// Renames a unit or changes whether its replies need a reviewer's approval.
  public func updateUnit(
    _ id: UUID, name: String? = nil, requiresReplyReview: Bool? = nil, region: UUID? = nil, by actor: String,
    at now: Date
  ) async throws -> MinshengCore.Unit {
    try Self.checkName(name, field: "name")
    if let region { try await requireRegion(region) }
    guard var unit = try await find({ $0.units[id] }) else { throw StoreError.notFound(.unit) }
    if let name { unit.name = Self.trimmed(name) }
    if let requiresReplyReview { unit.requiresReplyReview = requiresReplyReview }
    if let region { unit.regionID = region }
    try await update(
      .units, id,
      [
        "name": .text(unit.name), "requires_reply_review": .bool(unit.requiresReplyReview),
        "region_id": .uuid(unit.regionID),
      ], .unit(unit), record: .unit, by: actor, at: now)
    return unit
  }

  /// Retitles a leader's board or hands its dispatching to another office.
  public func updateLeader(
    _ id: UUID, title: String? = nil, dispatchingUnit: UUID? = nil, by actor: String, at now: Date
  ) async throws -> Leader {
    try Self.checkName(title, field: "title")
    if let dispatchingUnit { try await requireUnit(dispatchingUnit, field: "dispatching_unit_id") }
    guard var leader = try await find({ $0.leaders[id] }) else { throw StoreError.notFound(.leader) }
    if let title { leader.title = Self.trimmed(title) }
    if let dispatchingUnit { leader.dispatchingUnitID = dispatchingUnit }
    try await update(
      .leaders, id, ["title": .text(leader.title), "dispatching_unit_id": .optional(leader.dispatchingUnitID)],
      .leader(leader), record: .leader, by: actor, at: now)
    return leader
  }

  /// Changes one reference row and records the change, in one transaction; the snapshot is reloaded.
  func update(
    _ table: ReferenceTable, _ id: UUID, _ values: [String: StoreValue], _ change: ReferenceChange,
    record: StoredRecord, by actor: String, at now: Date
  ) async throws {
    guard
      try await reference.update(table, id: id, set: values, change: changeEntry(change, "update", by: actor, at: now))
    else { throw StoreError.notFound(record) }
    references.invalidate()
  }

  // MARK: Reading

  /// The routing rules with their ids, ordered by category, region and unit, as administrators see them.
  public func routingRuleEntries() async throws -> [(id: UUID, rule: RoutingRule)] {
    try await reference.routingRuleEntries().sorted {
      ($0.rule.categoryID.uuidString, $0.rule.regionCode ?? "", $0.rule.unitID.uuidString, $0.id.uuidString)
        < ($1.rule.categoryID.uuidString, $1.rule.regionCode ?? "", $1.rule.unitID.uuidString, $1.id.uuidString)
    }
  }

  public func regions() async throws -> [Region] {
    try await snapshot(forceReload: true).regions.values.sorted { $0.code < $1.code }
  }

  public func units() async throws -> [MinshengCore.Unit] {
    try await snapshot(forceReload: true).units.values.sorted { $0.code < $1.code }
  }

  public func unit(_ id: UUID) async throws -> MinshengCore.Unit? {
    try await find { $0.units[id] }
  }

  /// The unit with this code.
  public func unit(code: String) async throws -> MinshengCore.Unit? {
    try await find { $0.units.values.first { $0.code == code } }
  }

  public func leader(_ id: UUID) async throws -> Leader? {
    try await find { $0.leaders[id] }
  }

  public func leaders() async throws -> [Leader] {
    try await snapshot(forceReload: true).leaders.values.sorted { $0.code < $1.code }
  }

  public func categories() async throws -> [MinshengCore.Category] {
    try await snapshot(forceReload: true).categories.values.sorted { $0.code < $1.code }
  }

  public func routingRules() async throws -> [RoutingRule] {
    try await snapshot(forceReload: true).routingRules
  }

  /// The region and its ancestors, nearest first; empty when the region does not exist.
  public func regionPath(of regionID: UUID?) async throws -> [Region] {
    guard let regionID, let regions = try await find({ $0.regions[regionID] == nil ? nil : $0.regions }) else {
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

  /// The recorded changes to one row of reference data, oldest first.
  public func referenceChanges(of id: UUID) async throws -> [ReferenceChangeRecord] {
    try await reference.changes(of: id)
  }

  /// The latest changes to reference data, accounts and rules, newest first (the administrators' log).
  public func recentReferenceChanges(limit: Int = 50) async throws -> [ReferenceChangeRecord] {
    try await reference.recentChanges(limit: limit)
  }

  // MARK: Checks

  func requireRegion(_ id: UUID) async throws {
    if try await find({ $0.regions[id] }) == nil {
      throw ValidationError(field: "region_id", reason: .unknownReference)
    }
  }

  func requireUnit(_ id: UUID, field: String) async throws {
    if try await unit(id) == nil { throw ValidationError(field: field, reason: .unknownReference) }
  }

  /// A code: 1–32 letters, digits, `-` or `_`.
  static func checkCode(_ code: String) throws {
    let allowed = code.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
    }
    if !(1...32).contains(code.count) || !allowed {
      throw ValidationError(field: "code", reason: .invalid(LocalizedText("error_code_format")))
    }
  }

  /// A name or title: 1–100 characters after trimming.
  static func checkName(_ name: String?, field: String) throws {
    guard let name else { return }
    if let problem = ReferenceName.problem(with: trimmed(name)) {
      throw ValidationError(field: field, reason: .invalid(problem))
    }
  }

  static func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }

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

/// Regions, leaders, units and categories as pages name them, at most a few seconds old.
public struct ReferenceNames: Sendable {
  public var regions: [UUID: Region]
  public var leaders: [UUID: Leader]
  public var units: [UUID: MinshengCore.Unit]
  public var categories: [UUID: MinshengCore.Category]
}

extension Store {
  /// The reference data from the store's cache (reloaded when older than five seconds).
  public func referenceNames() async throws -> ReferenceNames {
    let snapshot = try await snapshot()
    return ReferenceNames(
      regions: snapshot.regions, leaders: snapshot.leaders, units: snapshot.units, categories: snapshot.categories)
  }
}
