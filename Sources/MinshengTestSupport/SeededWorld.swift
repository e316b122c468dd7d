import Foundation
import MinshengCore
import MinshengStore

/// A small made-up city for store and server tests: 示范市 with one district and one county, a
/// petition office dispatching the Party secretary's board, three handling units and a category
/// with routing rules.
public struct SeededWorld: Sendable {
  public var city: Region
  public var district: Region
  public var county: Region
  public var petitionOffice: MinshengCore.Unit
  public var countyOffice: MinshengCore.Unit
  /// 住建委: its replies need the reviewer's approval.
  public var housing: MinshengCore.Unit
  public var market: MinshengCore.Unit
  public var education: MinshengCore.Unit
  public var secretary: Leader
  public var construction: MinshengCore.Category
  public var noise: MinshengCore.Category

  /// Creates the world in `store`.
  public static func create(in store: Store) async throws -> SeededWorld {
    let city = try await store.createRegion(code: "990000", name: "示范市")
    let district = try await store.createRegion(code: "990100", name: "中心区", parent: city.id)
    let county = try await store.createRegion(code: "990200", name: "东山县", parent: city.id)
    let petition = try await store.createUnit(code: "XFB", name: "市信访办", region: city.id)
    let countyOffice = try await store.createUnit(code: "DSX-XFB", name: "东山县信访办", region: county.id)
    let housing = try await store.createUnit(code: "ZJW", name: "市住建委", region: city.id, requiresReplyReview: true)
    let market = try await store.createUnit(code: "SCJG", name: "市市场监管局", region: city.id)
    let education = try await store.createUnit(code: "JW", name: "市教育委员会", region: city.id)
    try await store.setDispatchingUnit(petition.id, forRegion: city.id)
    try await store.setDispatchingUnit(countyOffice.id, forRegion: county.id)
    let secretary = try await store.createLeader(
      code: "SWSJ", title: "市委书记", region: city.id, dispatchingUnit: petition.id)
    let construction = try await store.createCategory(code: "CXJS", name: "城乡建设")
    let noise = try await store.createCategory(code: "CXJS-SGZY", name: "施工噪音", parent: construction.id)
    try await store.addRoutingRule(RoutingRule(categoryID: construction.id, regionCode: nil, unitID: housing.id))
    try await store.addRoutingRule(RoutingRule(categoryID: construction.id, regionCode: "990200", unitID: market.id))
    return SeededWorld(
      city: city, district: district, county: county, petitionOffice: petition, countyOffice: countyOffice,
      housing: housing, market: market, education: education, secretary: secretary, construction: construction,
      noise: noise)
  }

  public var dispatcher: Actor { Actor(role: .dispatcher, unitID: petitionOffice.id, id: "xfb-dispatcher") }
  public var housingHandler: Actor { Actor(role: .handler, unitID: housing.id, id: "zjw-handler") }
  public var housingReviewer: Actor { Actor(role: .reviewer, unitID: housing.id, id: "zjw-reviewer") }
  public var marketHandler: Actor { Actor(role: .handler, unitID: market.id, id: "scjg-handler") }
  public var author: Actor { Actor(role: .citizen, id: "citizen") }
}
