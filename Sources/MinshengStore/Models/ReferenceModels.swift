import FluentKit
import Foundation
import MinshengCore

final class RegionModel: Model, @unchecked Sendable {
  static let schema = "regions"
  @ID(key: .id) var id: UUID?
  @Field(key: "code") var code: String
  @Field(key: "name") var name: String
  @OptionalField(key: "parent_id") var parentID: UUID?
  @OptionalField(key: "dispatching_unit_id") var dispatchingUnitID: UUID?
  init() {}
}

final class UnitModel: Model, @unchecked Sendable {
  static let schema = "units"
  @ID(key: .id) var id: UUID?
  @Field(key: "code") var code: String
  @Field(key: "name") var name: String
  @Field(key: "region_id") var regionID: UUID
  @Field(key: "requires_reply_review") var requiresReplyReview: Bool
  init() {}
}

final class LeaderModel: Model, @unchecked Sendable {
  static let schema = "leaders"
  @ID(key: .id) var id: UUID?
  @Field(key: "code") var code: String
  @Field(key: "title") var title: String
  @Field(key: "region_id") var regionID: UUID
  @OptionalField(key: "dispatching_unit_id") var dispatchingUnitID: UUID?
  init() {}
}

final class CategoryModel: Model, @unchecked Sendable {
  static let schema = "categories"
  @ID(key: .id) var id: UUID?
  @Field(key: "code") var code: String
  @Field(key: "name") var name: String
  @OptionalField(key: "parent_id") var parentID: UUID?
  init() {}
}

final class RoutingRuleModel: Model, @unchecked Sendable {
  static let schema = "routing_rules"
  @ID(key: .id) var id: UUID?
  @Field(key: "category_id") var categoryID: UUID
  @OptionalField(key: "region_code") var regionCode: String?
  @Field(key: "unit_id") var unitID: UUID
  init() {}
}

extension RegionModel {
  var core: Region {
    Region(id: id!, code: code, name: name, parentID: parentID, dispatchingUnitID: dispatchingUnitID)
  }
}

extension UnitModel {
  var core: MinshengCore.Unit {
    Unit(id: id!, code: code, name: name, regionID: regionID, requiresReplyReview: requiresReplyReview)
  }
}

extension LeaderModel {
  var core: Leader {
    Leader(id: id!, code: code, title: title, regionID: regionID, dispatchingUnitID: dispatchingUnitID)
  }
}

extension CategoryModel {
  var core: MinshengCore.Category {
    Category(id: id!, code: code, name: name, parentID: parentID)
  }
}
