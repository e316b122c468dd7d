import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// The body of `POST /api/v1/messages/{id}/actions/{action}`; each action reads the fields it takes
/// (`Action.fields`).
struct ActionRequest: Content {
  var leadUnit: UUID?
  var assistingUnits: [UUID]?
  var instruction: String?
  var reason: String?
  var note: String?
  var workingDays: Int?
  var body: String?
  var comment: String?
  var into: UUID?
  var urgent: Bool?
  var expectedVersion: Int?
  /// With `note`: an entry of the contact log — how (`phoned`, `visited`, `met`, `other`) and when.
  var contactKind: ContactRecord.Kind?
  var contactedAt: Date?
  /// With `return`: why (`not_ours`, `wrong_region`, `insufficient_information`, `duplicate`, `other`).
  var returnCode: ReturnReason?

  enum CodingKeys: String, CodingKey {
    case instruction, reason, note, body, comment, into, urgent
    case leadUnit = "lead_unit"
    case assistingUnits = "assisting_units"
    case workingDays = "working_days"
    case expectedVersion = "expected_version"
    case contactKind = "contact_kind"
    case contactedAt = "contacted_at"
    case returnCode = "return_code"
  }

  var input: ActionInput {
    ActionInput(
      leadUnit: leadUnit, assistingUnits: assistingUnits, instruction: instruction, reason: reason, note: note,
      workingDays: workingDays, body: body, comment: comment, into: into, urgent: urgent, contactKind: contactKind,
      contactedAt: contactedAt, returnCode: returnCode)
  }
}

/// A message as the staff who may act on it see it: contact details and deadlines included.
struct StaffMessageResponse: Content {
  var message: PublicMessageResponse
  var version: Int
  var contact: NewMessageRequest.ContactBody
  /// Whether the author proved the number (a one-time code, or an operator who took the call): 未核验
  /// when false.
  var phoneVerified: Bool
  var urgent: Bool
  var dispatchingUnit: UUID?
  var leadUnit: UUID?
  var assistingUnits: [UUID]
  var acceptanceDue: Date?
  var replyDue: Date?
  var overdue: Bool
  /// The classifier's suggestion at intake (category, unit, confidence, runners-up, reasons).
  var suggestion: SuggestionBody?
  /// The title and body as the author wrote them (`message` shows them as the public does).
  var originalTitle: String
  var originalBody: String
  /// 发布审核: pending, published or withheld.
  var publication: Publication
  /// The region the author wrote from (the network address itself is not kept).
  var sourceRegion: String?
  /// 并单候选: earlier messages with nearly the same text, most similar first.
  var duplicates: [DuplicateBody]

  struct DuplicateBody: Content {
    var id: UUID
    var serial: String
    var title: String
    var status: Status
    var similarity: Double
    var state: String
  }

  struct SuggestionBody: Content {
    var label: String
    var categoryID: UUID?
    var unitID: UUID?
    var confidence: Double
    var top: [CategorySuggestion.Alternative]
    var reasons: [CategorySuggestion.Reason]

    enum CodingKeys: String, CodingKey {
      case label, confidence, top, reasons
      case categoryID = "category_id"
      case unitID = "unit_id"
    }

    init(_ suggestion: CategorySuggestion) {
      (label, categoryID, unitID, confidence, top, reasons) = (
        suggestion.label, suggestion.categoryID, suggestion.unitID, suggestion.confidence, suggestion.top,
        suggestion.reasons
      )
    }
  }

  enum CodingKeys: String, CodingKey {
    case message, version, contact, urgent, overdue, suggestion, publication, duplicates
    case originalTitle = "original_title"
    case originalBody = "original_body"
    case sourceRegion = "source_region"
    case phoneVerified = "phone_verified"
    case dispatchingUnit = "dispatching_unit"
    case leadUnit = "lead_unit"
    case assistingUnits = "assisting_units"
    case acceptanceDue = "acceptance_due"
    case replyDue = "reply_due"
  }
}

/// The staff's API: workflow actions, the case detail, 不是重复, the inbox and pool, moderation. Each
/// request's account comes from `StaffAuthentication`; who may open which queue is `StaffAccess`'s.
struct StaffAPI: Sendable {
  let context: ServerContext

  var store: Store { context.store }

  private func account(_ request: Request) throws -> StaffAccount {
    try request.auth.require(AuthenticatedStaff.self).account
  }

  /// How much of `place` the account sees; 403 when it may not open it.
  private func scope(of place: StaffPlace, for account: StaffAccount) throws -> StaffScope {
    let scope = StaffAccess.scope(of: place, for: account.actor)
    guard scope != .none else { throw PageError.notAllowed(place) }
    return scope
  }

  /// `POST /api/v1/messages/{id}/actions/{action}`: the role and the unit are checked by the workflow.
  func act(_ request: Request) async throws -> StaffMessageResponse {
    let account = try account(request)
    guard let id = request.parameters.get("id", as: UUID.self),
      let action = request.parameters.get("action").flatMap(Action.init(rawValue:))
    else { throw PageError(.notFound, "error_page_not_found") }
    // Read access first: whoever may not read the case learns nothing of it, not even by acting.
    guard let current = try await store.message(id), CaseAccess.mayRead(account.actor, current) else {
      throw PageError(.forbidden, "error_forbidden_case")
    }
    let body = try request.content.decode(ActionRequest.self)
    let message = try await store.perform(
      try body.input.command(for: action), on: id, by: account.actor, at: context.clock(),
      expectedVersion: body.expectedVersion)
    return try await staffView(of: message, for: account.actor)
  }

  /// `GET /api/v1/staff/messages/{id}`: everything staff may see of a message, with the classifier's
  /// suggestion, for those who work on it: its dispatching office, its lead and assisting units,
  /// supervisors and administrators. Anyone else gets 403 and learns nothing about it.
  func detail(_ request: Request) async throws -> StaffMessageResponse {
    let account = try account(request)
    // The same answer for an unknown id as for someone else's message, so ids cannot be probed.
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound(.message) }
    guard let message = try await store.message(id), CaseAccess.mayRead(account.actor, message) else {
      throw PageError(.forbidden, "error_forbidden_case")
    }
    return try await staffView(of: message, for: account.actor)
  }

  /// `POST /api/v1/messages/{id}/duplicates/{candidate}/dismiss`: not the same matter (the dispatching
  /// office or an admin). Merging goes through the `merge` action.
  func dismissDuplicate(_ request: Request) async throws -> StaffMessageResponse {
    let account = try account(request)
    guard let id = request.parameters.get("id", as: UUID.self),
      let candidate = request.parameters.get("candidate", as: UUID.self)
    else { throw StoreError.notFound(.duplicateCandidate) }
    guard try await store.message(id) != nil else { throw PageError(.forbidden, "error_forbidden_handle") }
    try await store.dismissDuplicate(id, candidate: candidate, by: account.actor, at: context.clock())
    guard let message = try await store.message(id) else { throw StoreError.notFound(.message) }
    return try await staffView(of: message, for: account.actor)
  }

  private func staffView(of message: Message, for actor: Actor) async throws -> StaffMessageResponse {
    let deadline = DeadlineStatus.of(message, at: context.clock(), calendar: context.calendar)
    guard let file = try await store.authorFile(message.id) else { throw StoreError.notFound(.message) }
    return StaffMessageResponse(
      message: PublicMessageResponse(file), version: message.version,
      contact: .init(name: message.contact.name, phone: message.contact.phone, email: message.contact.email),
      phoneVerified: message.phoneVerified, urgent: message.urgent, dispatchingUnit: message.dispatchingUnitID,
      leadUnit: message.leadUnitID,
      assistingUnits: message.assistingUnitIDs, acceptanceDue: message.acceptanceDue, replyDue: message.replyDue,
      overdue: deadline.isOverdue,
      suggestion: try await store.suggestion(for: message.id).map { StaffMessageResponse.SuggestionBody($0) },
      originalTitle: message.title, originalBody: message.body, publication: message.publication,
      sourceRegion: message.sourceRegion,
      duplicates: try await store.duplicateCandidates(of: message.id).map {
        .init(
          id: $0.message.id, serial: $0.message.serial.description,
          title: CaseAccess.title(of: $0.message, shownTo: actor) ?? Catalogue.zhHans("duplicate_title_hidden"),
          status: $0.message.status,
          similarity: $0.similarity, state: $0.state.rawValue)
      })
  }

  struct QueueQuery: Content {
    var status: Status?
    var cursor: String?
    var limit: Int?
  }

  /// Statuses in which a message waits for its dispatching office.
  static let poolStatuses: [Status] = [.received, .returned, .extensionRequested, .reopenRequested]

  /// `GET /api/v1/staff/inbox`: open messages led by the caller's unit (the same roles as the web inbox).
  func inbox(_ request: Request) async throws -> MessageListResponse {
    guard let unit = try scope(of: .inbox, for: try account(request)).unitID else { throw PageError.notAllowed(.inbox) }
    var filter = try Self.filter(request)
    filter.leadUnitID = unit
    filter.statuses = Status.allCases.filter(\.isOpen)
    return try await page(filter, request)
  }

  /// `GET /api/v1/staff/pool`: messages waiting for the caller's dispatching office (all offices for
  /// supervisors and admins).
  func pool(_ request: Request) async throws -> MessageListResponse {
    var filter = try Self.filter(request)
    filter.dispatchingUnitID = try scope(of: .pool, for: try account(request)).unitID
    filter.statuses = Self.poolStatuses
    return try await page(filter, request)
  }

  private static func filter(_ request: Request) throws -> MessageFilter {
    let query = try request.query.decode(QueueQuery.self)
    var filter = MessageFilter()
    filter.publicOnly = false
    filter.status = query.status
    filter.after = try MessagesAPI.cursor(query.cursor)
    return filter
  }

  private func page(_ filter: MessageFilter, _ request: Request) async throws -> MessageListResponse {
    let limit = try MessagesAPI.limit(try request.query.decode(QueueQuery.self).limit)
    let page = try await store.messages(matching: filter, limit: limit)
    return MessageListResponse(page, at: context.clock(), calendar: context.calendar)
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
  func moderationQueue(_ request: Request) async throws -> QueueResponse {
    let office = try scope(of: .moderation, for: try account(request)).unitID
    let limit = try MessagesAPI.limit(try request.query.decode(QueueQuery.self).limit)
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
    /// The address the public sees instead of the original; an empty string publishes none.
    var publicAddress: String?
    /// With publish: the images kept from the public (every other image is shown).
    var hiddenImages: [UUID]?
    var reason: String?
    var expectedVersion: Int?

    enum CodingKeys: String, CodingKey {
      case decision, reason
      case publicTitle = "public_title"
      case publicBody = "public_body"
      case publicAddress = "public_address"
      case hiddenImages = "hidden_images"
      case expectedVersion = "expected_version"
    }
  }

  struct DecisionResponse: Content {
    var id: UUID
    var version: Int
    var publication: Publication
    var publicTitle: String?
    var publicBody: String?
    var publicAddress: String?

    enum CodingKeys: String, CodingKey {
      case id, version, publication
      case publicTitle = "public_title"
      case publicBody = "public_body"
      case publicAddress = "public_address"
    }
  }

  /// `POST /api/v1/messages/{id}/moderation`: `publish` (with an optional redacted `public_title`
  /// and `public_body`) or `withhold` (with a `reason`).
  func moderate(_ request: Request) async throws -> DecisionResponse {
    let account = try account(request)
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound(.message) }
    let body = try request.content.decode(DecisionRequest.self)
    let decision: ModerationDecision
    switch body.decision {
    case "publish":
      decision = .publish(
        title: body.publicTitle, body: body.publicBody, address: body.publicAddress,
        hideAddress: body.publicAddress == "", hiddenImages: body.hiddenImages ?? [])
    case "withhold": decision = .withhold(reason: body.reason ?? "")
    default: throw ValidationError(field: "decision", reason: .invalid(LocalizedText("error_decision")))
    }
    guard try await store.message(id) != nil else { throw PageError(.forbidden, "error_forbidden_moderate_case") }
    let message = try await store.moderate(
      id, expectedVersion: body.expectedVersion, decision: decision, by: account.actor, at: context.clock())
    return DecisionResponse(
      id: message.id, version: message.version, publication: message.publication, publicTitle: message.publicTitle,
      publicBody: message.publicBody, publicAddress: message.publicAddress)
  }
}
