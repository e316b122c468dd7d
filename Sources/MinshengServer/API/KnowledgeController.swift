import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 知识库 over the API: staff search it; admins keep it (every change in `reference_changes`).
struct KnowledgeController: Sendable {
  let store: Store
  let clock: @Sendable () -> Date

  func register(on staff: any RoutesBuilder) {
    staff.get("api", "v1", "knowledge", use: search)
    staff.post("api", "v1", "knowledge", use: create)
    staff.put("api", "v1", "knowledge", ":id", use: replace)
    staff.delete("api", "v1", "knowledge", ":id", use: delete)
  }

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

  /// `GET /api/v1/knowledge?q=`: entries whose title or text contains the words (any staff).
  func search(_ request: Request) async throws -> [KnowledgeEntry] {
    _ = try request.auth.require(AuthenticatedStaff.self)
    return try await store.searchKnowledge(request.query[String.self, at: "q"] ?? "")
  }

  func create(_ request: Request) async throws -> Response {
    let account = try requireAdmin(request)
    let body = try request.content.decode(EntryRequest.self)
    let entry = try await store.saveKnowledge(
      kind: body.kind, title: body.title, body: body.body, category: body.categoryID, by: account.username, at: clock())
    return try await entry.encodeResponse(status: .created, for: request)
  }

  func replace(_ request: Request) async throws -> KnowledgeEntry {
    let account = try requireAdmin(request)
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("知识库条目") }
    let body = try request.content.decode(EntryRequest.self)
    return try await store.saveKnowledge(
      id: id, kind: body.kind, title: body.title, body: body.body, category: body.categoryID, by: account.username,
      at: clock())
  }

  func delete(_ request: Request) async throws -> HTTPStatus {
    let account = try requireAdmin(request)
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("知识库条目") }
    try await store.deleteKnowledge(id, by: account.username, at: clock())
    return .noContent
  }

  private func requireAdmin(_ request: Request) throws -> StaffAccount {
    let account = try request.auth.require(AuthenticatedStaff.self).account
    guard account.role == .admin else { throw Abort(.forbidden, reason: "只有管理员可以维护知识库") }
    return account
  }
}

extension KnowledgeEntry: Content {}
