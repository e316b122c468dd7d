import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// Reference data over the API: regions, leaders' boards, units, categories and routing rules (anyone
/// reads them; administrators change them, each change recorded with who made it), the banned-word
/// list and the knowledge base (staff search it; administrators keep it).
struct ReferenceAPI: Sendable {
  let context: ServerContext

  var store: Store { context.store }

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

  // MARK: Reading

  func regions(_ request: Request) async throws -> [RegionBody] { try await store.regions().map(RegionBody.init) }
  func leaders(_ request: Request) async throws -> [LeaderBody] { try await store.leaders().map(LeaderBody.init) }
  func units(_ request: Request) async throws -> [UnitBody] { try await store.units().map(UnitBody.init) }
  func categories(_ request: Request) async throws -> [CategoryBody] {
    try await store.categories().map(CategoryBody.init)
  }
  func routingRules(_ request: Request) async throws -> [RoutingRuleBody] {
    try await store.routingRuleEntries().map {
      RoutingRuleBody(id: $0.id, categoryID: $0.rule.categoryID, regionCode: $0.rule.regionCode, unitID: $0.rule.unitID)
    }
  }

  // MARK: Changing (administrators)

  func createRegion(_ request: Request) async throws -> Response {
    let body = try request.content.decode(NewRegion.self)
    return try Self.created(
      RegionBody(
        try await store.createRegion(
          code: body.code, name: body.name, parent: body.parentID, by: try administrator(request), at: context.clock()))
    )
  }

  func updateRegion(_ request: Request) async throws -> RegionBody {
    let body = try request.content.decode(RegionChange.self)
    return RegionBody(
      try await store.updateRegion(
        try Self.id(request), name: body.name, dispatchingUnit: body.dispatchingUnitID, by: try administrator(request),
        at: context.clock()))
  }

  func createLeader(_ request: Request) async throws -> Response {
    let body = try request.content.decode(NewLeader.self)
    return try Self.created(
      LeaderBody(
        try await store.createLeader(
          code: body.code, title: body.title, region: body.regionID, dispatchingUnit: body.dispatchingUnitID,
          by: try administrator(request), at: context.clock())))
  }

  func updateLeader(_ request: Request) async throws -> LeaderBody {
    let body = try request.content.decode(LeaderChange.self)
    return LeaderBody(
      try await store.updateLeader(
        try Self.id(request), title: body.title, dispatchingUnit: body.dispatchingUnitID,
        by: try administrator(request),
        at: context.clock()))
  }

  func createUnit(_ request: Request) async throws -> Response {
    let body = try request.content.decode(NewUnit.self)
    return try Self.created(
      UnitBody(
        try await store.createUnit(
          code: body.code, name: body.name, region: body.regionID,
          requiresReplyReview: body.requiresReplyReview ?? false,
          by: try administrator(request), at: context.clock())))
  }

  func updateUnit(_ request: Request) async throws -> UnitBody {
    let body = try request.content.decode(UnitChange.self)
    return UnitBody(
      try await store.updateUnit(
        try Self.id(request), name: body.name, requiresReplyReview: body.requiresReplyReview,
        by: try administrator(request), at: context.clock()))
  }

  func createCategory(_ request: Request) async throws -> Response {
    let body = try request.content.decode(NewCategory.self)
    return try Self.created(
      CategoryBody(
        try await store.createCategory(
          code: body.code, name: body.name, parent: body.parentID, by: try administrator(request), at: context.clock()))
    )
  }

  func updateCategory(_ request: Request) async throws -> CategoryBody {
    let body = try request.content.decode(CategoryChange.self)
    return CategoryBody(
      try await store.updateCategory(
        try Self.id(request), name: body.name, by: try administrator(request), at: context.clock()))
  }

  func createRoutingRule(_ request: Request) async throws -> Response {
    var body = try request.content.decode(RoutingRuleBody.self)
    body.id = try await store.addRoutingRule(
      RoutingRule(categoryID: body.categoryID, regionCode: body.regionCode, unitID: body.unitID),
      by: try administrator(request), at: context.clock())
    return try Self.created(body)
  }

  func deleteRoutingRule(_ request: Request) async throws -> HTTPStatus {
    try await store.removeRoutingRule(try Self.id(request), by: try administrator(request), at: context.clock())
    return .noContent
  }

  // MARK: Banned words (administrators)

  struct BannedWordRequest: Content {
    var word: String
    var severity: BannedWord.Severity
  }

  /// `GET /api/v1/banned-words`: the list.
  func bannedWords(_ request: Request) async throws -> [BannedWord] {
    _ = try administrator(request)
    return try await store.bannedWords()
  }

  /// `POST /api/v1/banned-words`: adds a word; recorded in `reference_changes`.
  func addBannedWord(_ request: Request) async throws -> Response {
    let actor = try administrator(request)
    let body = try request.content.decode(BannedWordRequest.self)
    let word = try await store.addBannedWord(body.word, severity: body.severity, by: actor, at: context.clock())
    return try await word.encodeResponse(status: .created, for: request)
  }

  /// `DELETE /api/v1/banned-words/{id}`: removes a word; recorded in `reference_changes`.
  func removeBannedWord(_ request: Request) async throws -> HTTPStatus {
    let actor = try administrator(request)
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound(.bannedWord) }
    try await store.removeBannedWord(id, by: actor, at: context.clock())
    return .noContent
  }

  // MARK: Knowledge base

  struct EntryRequest: Content {
    var kind: KnowledgeEntry.Kind
    var title: String
    var body: String
    var categoryID: UUID?

    enum CodingKeys: String, CodingKey {
      case kind, title, body
      case categoryID = "category_id"
    }
  }

  /// `GET /api/v1/knowledge?q=`: entries whose title or text contains the words (any staff who reply).
  func searchKnowledge(_ request: Request) async throws -> [KnowledgeEntry] {
    let account = try request.auth.require(AuthenticatedStaff.self).account
    guard StaffAccess.mayOpen(.knowledge, account.actor) else { throw PageError.notAllowed(.knowledge) }
    return try await store.searchKnowledge(request.query[String.self, at: "q"] ?? "")
  }

  func createKnowledge(_ request: Request) async throws -> Response {
    let actor = try administrator(request)
    let body = try request.content.decode(EntryRequest.self)
    let entry = try await store.saveKnowledge(
      kind: body.kind, title: body.title, body: body.body, category: body.categoryID, by: actor, at: context.clock())
    return try await entry.encodeResponse(status: .created, for: request)
  }

  func replaceKnowledge(_ request: Request) async throws -> KnowledgeEntry {
    let actor = try administrator(request)
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound(.knowledgeEntry) }
    let body = try request.content.decode(EntryRequest.self)
    return try await store.saveKnowledge(
      id: id, kind: body.kind, title: body.title, body: body.body, category: body.categoryID, by: actor,
      at: context.clock())
  }

  func deleteKnowledge(_ request: Request) async throws -> HTTPStatus {
    let actor = try administrator(request)
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound(.knowledgeEntry) }
    try await store.deleteKnowledge(id, by: actor, at: context.clock())
    return .noContent
  }

  // MARK: Support

  /// The username of the administrator making the request; anyone else is refused (403).
  private func administrator(_ request: Request) throws -> String {
    let account = try request.auth.require(AuthenticatedStaff.self).account
    guard StaffAccess.mayOpen(.administration, account.actor) else { throw PageError.notAllowed(.administration) }
    return account.username
  }

  private static func id(_ request: Request) throws -> UUID {
    guard let id = request.parameters.get("id", as: UUID.self) else {
      throw PageError(.notFound, "error_page_not_found")
    }
    return id
  }

  private static func created(_ body: some Content) throws -> Response {
    let response = Response(status: .created)
    try response.content.encode(body, as: .json)
    return response
  }
}

extension BannedWord: Content {}
extension KnowledgeEntry: Content {}
