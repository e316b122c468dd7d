import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// Reference data: regions, leaders' boards, units, categories and routing rules. Anyone may read
/// them; only administrators change them, and every change is recorded with who made it.
struct ReferenceController: Sendable {
  let store: Store
  let clock: @Sendable () -> Date

  struct RegionBody: Content {
    var id: UUID
    var code: String
    var name: String
    var parentID: UUID?
    var dispatchingUnitID: UUID?

    enum CodingKeys: String, CodingKey {
      case id, code, name
      case parentID = "parent_id"
      case dispatchingUnitID = "dispatching_unit_id"
    }

    init(_ region: Region) {
      (id, code, name, parentID, dispatchingUnitID) = (
        region.id, region.code, region.name, region.parentID, region.dispatchingUnitID
      )
    }
  }

  struct LeaderBody: Content {
    var id: UUID
    var code: String
    var title: String
    var regionID: UUID
    var dispatchingUnitID: UUID?

    enum CodingKeys: String, CodingKey {
      case id, code, title
      case regionID = "region_id"
      case dispatchingUnitID = "dispatching_unit_id"
    }

    init(_ leader: Leader) {
      (id, code, title, regionID, dispatchingUnitID) = (
        leader.id, leader.code, leader.title, leader.regionID, leader.dispatchingUnitID
      )
    }
  }

  struct UnitBody: Content {
    var id: UUID
    var code: String
    var name: String
    var regionID: UUID
    var requiresReplyReview: Bool

    enum CodingKeys: String, CodingKey {
      case id, code, name
      case regionID = "region_id"
      case requiresReplyReview = "requires_reply_review"
    }

    init(_ unit: MinshengCore.Unit) {
      (id, code, name, regionID, requiresReplyReview) = (
        unit.id, unit.code, unit.name, unit.regionID, unit.requiresReplyReview
      )
    }
  }

  struct CategoryBody: Content {
    var id: UUID
    var code: String
    var name: String
    var parentID: UUID?

    enum CodingKeys: String, CodingKey {
      case id, code, name
      case parentID = "parent_id"
    }

    init(_ category: MinshengCore.Category) {
      (id, code, name, parentID) = (category.id, category.code, category.name, category.parentID)
    }
  }

  struct RoutingRuleBody: Content {
    /// Given in answers (for `DELETE /api/v1/routing-rules/{id}`); ignored in a new rule.
    var id: UUID?
    var categoryID: UUID
    var regionCode: String?
    var unitID: UUID

    enum CodingKeys: String, CodingKey {
      case id
      case categoryID = "category_id"
      case regionCode = "region_code"
      case unitID = "unit_id"
    }
  }

  // What administrators send: new rows name every required field; changes only what changes.

  struct NewRegion: Content {
    var code: String
    var name: String
    var parentID: UUID?
    enum CodingKeys: String, CodingKey {
      case code, name
      case parentID = "parent_id"
    }
  }

  struct RegionChange: Content {
    var name: String?
    var dispatchingUnitID: UUID?
    enum CodingKeys: String, CodingKey {
      case name
      case dispatchingUnitID = "dispatching_unit_id"
    }
  }

  struct NewLeader: Content {
    var code: String
    var title: String
    var regionID: UUID
    var dispatchingUnitID: UUID?
    enum CodingKeys: String, CodingKey {
      case code, title
      case regionID = "region_id"
      case dispatchingUnitID = "dispatching_unit_id"
    }
  }

  struct LeaderChange: Content {
    var title: String?
    var dispatchingUnitID: UUID?
    enum CodingKeys: String, CodingKey {
      case title
      case dispatchingUnitID = "dispatching_unit_id"
    }
  }

  struct NewUnit: Content {
    var code: String
    var name: String
    var regionID: UUID
    var requiresReplyReview: Bool?
    enum CodingKeys: String, CodingKey {
      case code, name
      case regionID = "region_id"
      case requiresReplyReview = "requires_reply_review"
    }
  }

  struct UnitChange: Content {
    var name: String?
    var requiresReplyReview: Bool?
    enum CodingKeys: String, CodingKey {
      case name
      case requiresReplyReview = "requires_reply_review"
    }
  }

  struct NewCategory: Content {
    var code: String
    var name: String
    var parentID: UUID?
    enum CodingKeys: String, CodingKey {
      case code, name
      case parentID = "parent_id"
    }
  }

  struct CategoryChange: Content {
    var name: String?
  }

  func register(on routes: any RoutesBuilder, staff: any RoutesBuilder) {
    let v1 = routes.grouped("api", "v1")
    v1.get("regions") { _ async throws in try await store.regions().map(RegionBody.init) }
    v1.get("leaders") { _ async throws in try await store.leaders().map(LeaderBody.init) }
    v1.get("units") { _ async throws in try await store.units().map(UnitBody.init) }
    v1.get("categories") { _ async throws in try await store.categories().map(CategoryBody.init) }
    v1.get("routing-rules") { _ async throws in
      try await store.routingRuleEntries().map {
        RoutingRuleBody(
          id: $0.id, categoryID: $0.rule.categoryID, regionCode: $0.rule.regionCode, unitID: $0.rule.unitID)
      }
    }

    let admin = staff.grouped("api", "v1")
    admin.post("regions") { request async throws -> Response in
      let actor = try Self.administrator(request)
      let body = try request.content.decode(NewRegion.self)
      let region = try await store.createRegion(
        code: body.code, name: body.name, parent: body.parentID, by: actor, at: clock())
      return try Self.created(RegionBody(region))
    }
    admin.patch("regions", ":id") { request async throws -> RegionBody in
      let actor = try Self.administrator(request)
      let body = try request.content.decode(RegionChange.self)
      return RegionBody(
        try await store.updateRegion(
          try Self.id(request), name: body.name, dispatchingUnit: body.dispatchingUnitID, by: actor, at: clock()))
    }
    admin.post("leaders") { request async throws -> Response in
      let actor = try Self.administrator(request)
      let body = try request.content.decode(NewLeader.self)
      let leader = try await store.createLeader(
        code: body.code, title: body.title, region: body.regionID, dispatchingUnit: body.dispatchingUnitID,
        by: actor, at: clock())
      return try Self.created(LeaderBody(leader))
    }
    admin.patch("leaders", ":id") { request async throws -> LeaderBody in
      let actor = try Self.administrator(request)
      let body = try request.content.decode(LeaderChange.self)
      return LeaderBody(
        try await store.updateLeader(
          try Self.id(request), title: body.title, dispatchingUnit: body.dispatchingUnitID, by: actor, at: clock()))
    }
    admin.post("units") { request async throws -> Response in
      let actor = try Self.administrator(request)
      let body = try request.content.decode(NewUnit.self)
      let unit = try await store.createUnit(
        code: body.code, name: body.name, region: body.regionID,
        requiresReplyReview: body.requiresReplyReview ?? false, by: actor, at: clock())
      return try Self.created(UnitBody(unit))
    }
    admin.patch("units", ":id") { request async throws -> UnitBody in
      let actor = try Self.administrator(request)
      let body = try request.content.decode(UnitChange.self)
      return UnitBody(
        try await store.updateUnit(
          try Self.id(request), name: body.name, requiresReplyReview: body.requiresReplyReview, by: actor,
          at: clock()))
    }
    admin.post("categories") { request async throws -> Response in
      let actor = try Self.administrator(request)
      let body = try request.content.decode(NewCategory.self)
      let category = try await store.createCategory(
        code: body.code, name: body.name, parent: body.parentID, by: actor, at: clock())
      return try Self.created(CategoryBody(category))
    }
    admin.patch("categories", ":id") { request async throws -> CategoryBody in
      let actor = try Self.administrator(request)
      let body = try request.content.decode(CategoryChange.self)
      return CategoryBody(try await store.updateCategory(try Self.id(request), name: body.name, by: actor, at: clock()))
    }
    admin.post("routing-rules") { request async throws -> Response in
      let actor = try Self.administrator(request)
      var body = try request.content.decode(RoutingRuleBody.self)
      body.id = try await store.addRoutingRule(
        RoutingRule(categoryID: body.categoryID, regionCode: body.regionCode, unitID: body.unitID), by: actor,
        at: clock())
      return try Self.created(body)
    }
    admin.delete("routing-rules", ":id") { request async throws -> HTTPStatus in
      let actor = try Self.administrator(request)
      try await store.removeRoutingRule(try Self.id(request), by: actor, at: clock())
      return .noContent
    }
  }

  /// The username of the administrator making the request; anyone else is refused (403).
  private static func administrator(_ request: Request) throws -> String {
    let staff = try request.auth.require(AuthenticatedStaff.self)
    guard staff.account.role == .admin else { throw Abort(.forbidden, reason: "只有系统管理员可以修改基础数据") }
    return staff.account.username
  }

  private static func id(_ request: Request) throws -> UUID {
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("该记录") }
    return id
  }

  private static func created(_ body: some Content) throws -> Response {
    let response = Response(status: .created)
    try response.content.encode(body, as: .json)
    return response
  }
}
