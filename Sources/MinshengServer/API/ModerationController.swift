import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 发布审核 over the API: the moderators' queue, their decisions, and the banned-word list.
struct ModerationController: Sendable {
  let store: Store
  let clock: @Sendable () -> Date

  func register(on staff: any RoutesBuilder) {
    staff.get("api", "v1", "staff", "moderation", use: queue)
    staff.post("api", "v1", "messages", ":id", "moderation", use: moderate)
    staff.get("api", "v1", "banned-words", use: bannedWords)
    staff.post("api", "v1", "banned-words", use: addBannedWord)
    staff.delete("api", "v1", "banned-words", ":id", use: removeBannedWord)
  }

  struct QueueResponse: Content {
    var backlog: Int
    var items: [Item]

    struct Item: Content {
      var id: UUID
      var serial: String
      var version: Int
      var title: String
      var body: String
      /// The title and body as they would be published now (numbers masked).
      var maskedTitle: String
      var maskedBody: String
      var address: String?
      var createdAt: Date
      var urgent: Bool
      var flagged: [String]

      enum CodingKeys: String, CodingKey {
        case id, serial, version, title, body, address, urgent, flagged
        case maskedTitle = "masked_title"
        case maskedBody = "masked_body"
        case createdAt = "created_at"
      }
    }
  }

  /// `GET /api/v1/staff/moderation`: public messages waiting for publication, oldest first, with the
  /// original text (the moderator redacts from it) and the banned words found. Dispatchers see
  /// their office's messages, admins all; anyone else gets 403.
  func queue(_ request: Request) async throws -> QueueResponse {
    let account = try request.auth.require(AuthenticatedStaff.self).account
    let office: UUID?
    switch Moderation.queueScope(of: account.actor) {
    case .all: office = nil
    case .office(let unit): office = unit
    case .none: throw Abort(.forbidden, reason: "只有交办单位和管理员可以审核发布")
    }
    let limit = (try? request.query.get(Int.self, at: "limit")) ?? 50
    guard (1...200).contains(limit) else { throw ValidationError(field: "limit", reason: .invalid("每页 1 到 200 条")) }
    let items = try await store.moderationQueue(dispatchingUnit: office, limit: limit)
    return QueueResponse(
      backlog: try await store.moderationBacklog(dispatchingUnit: office),
      items: items.map { item in
        let message = item.message
        return .init(
          id: message.id, serial: message.serial.description, version: message.version, title: message.title,
          body: message.body, maskedTitle: PrivacyMask.mask(message.title), maskedBody: PrivacyMask.mask(message.body),
          address: message.location?.address, createdAt: message.createdAt, urgent: message.urgent,
          flagged: item.flagged.map(\.word))
      })
  }

  struct DecisionRequest: Content {
    var decision: String
    var publicTitle: String?
    var publicBody: String?
    var reason: String?
    var expectedVersion: Int?

    enum CodingKeys: String, CodingKey {
      case decision, reason
      case publicTitle = "public_title"
      case publicBody = "public_body"
      case expectedVersion = "expected_version"
    }
  }

  struct DecisionResponse: Content {
    var id: UUID
    var version: Int
    var publication: Publication
    var publicTitle: String?
    var publicBody: String?

    enum CodingKeys: String, CodingKey {
      case id, version, publication
      case publicTitle = "public_title"
      case publicBody = "public_body"
    }
  }

  /// `POST /api/v1/messages/{id}/moderation`: `publish` (with an optional redacted `public_title`
  /// and `public_body`) or `withhold` (with a `reason`).
  func moderate(_ request: Request) async throws -> DecisionResponse {
    let account = try request.auth.require(AuthenticatedStaff.self).account
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("留言") }
    let body = try request.content.decode(DecisionRequest.self)
    let decision: ModerationDecision
    switch body.decision {
    case "publish": decision = .publish(title: body.publicTitle, body: body.publicBody)
    case "withhold": decision = .withhold(reason: body.reason ?? "")
    default: throw ValidationError(field: "decision", reason: .invalid("须为 publish 或 withhold"))
    }
    guard try await store.message(id) != nil else { throw Abort(.forbidden, reason: "无权审核该留言") }
    let message = try await store.moderate(
      id, expectedVersion: body.expectedVersion, decision: decision, by: account.actor, at: clock())
    return DecisionResponse(
      id: message.id, version: message.version, publication: message.publication, publicTitle: message.publicTitle,
      publicBody: message.publicBody)
  }

  struct BannedWordRequest: Content {
    var word: String
    var severity: BannedWord.Severity
  }

  /// `GET /api/v1/banned-words`: the list (admins).
  func bannedWords(_ request: Request) async throws -> [BannedWord] {
    try requireAdmin(request)
    return try await store.bannedWords()
  }

  /// `POST /api/v1/banned-words`: adds a word (admins); recorded in `reference_changes`.
  func addBannedWord(_ request: Request) async throws -> Response {
    let account = try requireAdmin(request)
    let body = try request.content.decode(BannedWordRequest.self)
    let word = try await store.addBannedWord(body.word, severity: body.severity, by: account.username, at: clock())
    return try await word.encodeResponse(status: .created, for: request)
  }

  /// `DELETE /api/v1/banned-words/{id}`: removes a word (admins); recorded in `reference_changes`.
  func removeBannedWord(_ request: Request) async throws -> HTTPStatus {
    let account = try requireAdmin(request)
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("敏感词") }
    try await store.removeBannedWord(id, by: account.username, at: clock())
    return .noContent
  }

  @discardableResult
  private func requireAdmin(_ request: Request) throws -> StaffAccount {
    let account = try request.auth.require(AuthenticatedStaff.self).account
    guard account.role == .admin else { throw Abort(.forbidden, reason: "只有管理员可以维护敏感词") }
    return account
  }
}

extension BannedWord: Content {}
