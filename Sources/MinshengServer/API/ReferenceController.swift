import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// Reference data, readable by anyone: regions, leaders' boards, units, categories.
struct ReferenceController: Sendable {
  let store: Store

  struct RegionBody: Content {
    var id: UUID
    var code: String
    var name: String
    var parentID: UUID?

    enum CodingKeys: String, CodingKey {
      case id, code, name
      case parentID = "parent_id"
    }
  }

  struct LeaderBody: Content {
    var id: UUID
    var code: String
    var title: String
    var regionID: UUID

    enum CodingKeys: String, CodingKey {
      case id, code, title
      case regionID = "region_id"
    }
  }

  struct UnitBody: Content {
    var id: UUID
    var code: String
    var name: String
    var regionID: UUID

    enum CodingKeys: String, CodingKey {
      case id, code, name
      case regionID = "region_id"
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
  }

  func register(on routes: any RoutesBuilder) {
    let v1 = routes.grouped("api", "v1")
    v1.get("regions") { _ async throws in
      try await store.regions().map { RegionBody(id: $0.id, code: $0.code, name: $0.name, parentID: $0.parentID) }
    }
    v1.get("leaders") { _ async throws in
      try await store.leaders().map { LeaderBody(id: $0.id, code: $0.code, title: $0.title, regionID: $0.regionID) }
    }
    v1.get("units") { _ async throws in
      try await store.units().map { UnitBody(id: $0.id, code: $0.code, name: $0.name, regionID: $0.regionID) }
    }
    v1.get("categories") { _ async throws in
      try await store.categories().map { CategoryBody(id: $0.id, code: $0.code, name: $0.name, parentID: $0.parentID) }
    }
  }
}
