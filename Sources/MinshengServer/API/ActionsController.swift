import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// The body of `POST /api/v1/messages/{id}/actions/{action}`; each action reads the fields it needs.
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

  enum CodingKeys: String, CodingKey {
    case instruction, reason, note, body, comment, into, urgent
    case leadUnit = "lead_unit"
    case assistingUnits = "assisting_units"
    case workingDays = "working_days"
    case expectedVersion = "expected_version"
    case contactKind = "contact_kind"
    case contactedAt = "contacted_at"
  }

  /// The workflow command for `action`; a missing required field is named.
  func command(for action: Action) throws(ValidationError) -> MinshengCore.Command {
    func required<T>(_ value: T?, _ field: String) throws(ValidationError) -> T {
      guard let value else { throw ValidationError(field: field, reason: .missing) }
      return value
    }
    switch action {
    case .assign:
      return .assign(
        lead: try required(leadUnit, "lead_unit"), assisting: assistingUnits ?? [], instruction: instruction)
    case .reassign:
      return .reassign(
        lead: try required(leadUnit, "lead_unit"), assisting: assistingUnits ?? [], instruction: instruction)
    case .transfer:
      return .transfer(
        lead: try required(leadUnit, "lead_unit"), assisting: assistingUnits ?? [],
        reason: try required(reason, "reason"))
    case .accept: return .accept(note: note)
    case .returnToDispatcher: return .returnToDispatcher(reason: try required(reason, "reason"))
    case .rejectReturn: return .rejectReturn(reason: try required(reason, "reason"))
    case .requestExtension:
      return .requestExtension(
        workingDays: try required(workingDays, "working_days"), reason: try required(reason, "reason"))
    case .approveExtension: return .approveExtension(workingDays: try required(workingDays, "working_days"), note: note)
    case .denyExtension: return .denyExtension(reason: try required(reason, "reason"))
    case .reply:
      let text = try required(body, "body")
      guard text.count <= 5_000 else { throw ValidationError(field: "body", reason: .tooLong(max: 5_000)) }
      return .reply(body: text)
    case .approveReply: return .approveReply(note: note)
    case .sendBackReply: return .sendBackReply(comment: try required(comment, "comment"))
    case .grantReopen: return .grantReopen(note: note)
    case .declineReopen: return .declineReopen(reason: try required(reason, "reason"))
    case .close: return .close(reason: try required(reason, "reason"))
    case .markInvalid: return .markInvalid(reason: try required(reason, "reason"))
    case .merge: return .merge(into: try required(into, "into"), note: note)
    case .setUrgent: return .setUrgent(try required(urgent, "urgent"), reason: try required(reason, "reason"))
    case .remind: return .remind(note: note)
    case .supervise: return .supervise(note: try required(note, "note"))
    case .contribute: return .contribute(text: try required(body, "body"))
    case .note:
      let text = try required(note, "note")
      guard let contactKind else { return .note(text: text) }
      return .note(text: text, contact: ContactRecord(kind: contactKind, at: try required(contactedAt, "contacted_at")))
    case .instruct: return .instruct(text: try required(note, "note"))
    case .answerDirectly:
      let text = try required(body, "body")
      guard text.count <= 5_000 else { throw ValidationError(field: "body", reason: .tooLong(max: 5_000)) }
      return .answerDirectly(body: text)
    case .evaluate:
      throw ValidationError(field: "action", reason: .invalid("评价由留言人通过 /api/v1/messages/{id}/evaluation 提交"))
    }
  }
}

/// A message as the staff who may act on it see it: contact details and deadlines included.
struct StaffMessageResponse: Content {
  var message: PublicMessageResponse
  var version: Int
  var contact: NewMessageRequest.ContactBody
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
    case dispatchingUnit = "dispatching_unit"
    case leadUnit = "lead_unit"
    case assistingUnits = "assisting_units"
    case acceptanceDue = "acceptance_due"
    case replyDue = "reply_due"
  }
}

/// Workflow actions over HTTP: staff by bearer token; the author's evaluation by tracking code.
struct ActionsController: Sendable {
  let store: Store
  let clock: @Sendable () -> Date

  struct EvaluationRequest: Content {
    var trackingCode: String
    var resolution: Int
    var attitude: Int
    var speed: Int
    var comment: String?

    enum CodingKeys: String, CodingKey {
      case resolution, attitude, speed, comment
      case trackingCode = "tracking_code"
    }
  }

  func register(on routes: any RoutesBuilder, staff: any RoutesBuilder) {
    staff.post("api", "v1", "messages", ":id", "actions", ":action", use: act)
    routes.post("api", "v1", "messages", ":id", "evaluation", use: evaluate)
  }

  func registerDetail(on staff: any RoutesBuilder) {
    staff.get("api", "v1", "staff", "messages", ":id", use: detail)
    staff.post("api", "v1", "messages", ":id", "duplicates", ":candidate", "dismiss", use: dismissDuplicate)
  }

  /// `POST /api/v1/messages/{id}/duplicates/{candidate}/dismiss`: not the same matter (the dispatching
  /// office or an admin). Merging goes through the `merge` action.
  func dismissDuplicate(_ request: Request) async throws -> StaffMessageResponse {
    let account = try request.auth.require(AuthenticatedStaff.self).account
    guard let id = request.parameters.get("id", as: UUID.self),
      let candidate = request.parameters.get("candidate", as: UUID.self)
    else { throw StoreError.notFound("并单候选") }
    guard try await store.message(id) != nil else { throw Abort(.forbidden, reason: "无权处理该留言") }
    try await store.dismissDuplicate(id, candidate: candidate, by: account.actor, at: clock())
    guard let message = try await store.message(id) else { throw StoreError.notFound("留言") }
    return try await staffView(of: message)
  }

  /// `GET /api/v1/staff/messages/{id}`: everything staff may see of a message, with the classifier's
  /// suggestion, for those who work on it: its dispatching office, its lead and assisting units,
  /// supervisors and administrators. Anyone else gets 403 and learns nothing about it.
  func detail(_ request: Request) async throws -> StaffMessageResponse {
    let account = try request.auth.require(AuthenticatedStaff.self).account
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound("留言") }
    guard let message = try await store.message(id) else {
      // The same answer as for someone else's message, so ids cannot be probed.
      throw Abort(.forbidden, reason: "无权查看该留言")
    }
    guard CaseAccess.mayRead(account.actor, message) else { throw Abort(.forbidden, reason: "无权查看该留言") }
    return try await staffView(of: message)
  }

  /// `POST /api/v1/messages/{id}/actions/{action}`: the role and the unit are checked by the workflow.
  func act(_ request: Request) async throws -> StaffMessageResponse {
    let staff = try request.auth.require(AuthenticatedStaff.self)
    guard let id = request.parameters.get("id", as: UUID.self), let name = request.parameters.get("action"),
      let action = Action(rawValue: name)
    else { throw Abort(.notFound) }
    let body = try request.content.decode(ActionRequest.self)
    let message = try await store.perform(
      try body.command(for: action), on: id, by: staff.account.actor, at: clock(), expectedVersion: body.expectedVersion
    )
    return try await staffView(of: message)
  }

  /// `POST /api/v1/messages/{id}/evaluation`: the author, proved by the tracking code, evaluates the reply.
  func evaluate(_ request: Request) async throws -> PublicMessageResponse {
    let body = try request.content.decode(EvaluationRequest.self)
    guard let id = request.parameters.get("id", as: UUID.self),
      let message = try await store.message(trackingCode: body.trackingCode), message.id == id
    else { throw StoreError.notFound("与查询码对应的留言") }
    let evaluation = try Evaluation(
      resolution: body.resolution, attitude: body.attitude, speed: body.speed, comment: body.comment
    ).validated()
    let updated = try await store.perform(
      .evaluate(evaluation), on: id, by: Actor(role: .citizen, id: "author"), at: clock())
    return PublicMessageResponse(
      updated, events: try await store.events(of: id), replies: try await store.publishedReplies(of: id))
  }

  private func staffView(of message: Message) async throws -> StaffMessageResponse {
    let deadline = DeadlineStatus.of(message, at: clock(), calendar: store.rules.calendar)
    return StaffMessageResponse(
      message: PublicMessageResponse(
        message, events: try await store.events(of: message.id),
        replies: try await store.publishedReplies(of: message.id)),
      version: message.version,
      contact: .init(name: message.contact.name, phone: message.contact.phone, email: message.contact.email),
      urgent: message.urgent, dispatchingUnit: message.dispatchingUnitID, leadUnit: message.leadUnitID,
      assistingUnits: message.assistingUnitIDs, acceptanceDue: message.acceptanceDue, replyDue: message.replyDue,
      overdue: deadline.isOverdue,
      suggestion: try await store.suggestion(for: message.id).map { StaffMessageResponse.SuggestionBody($0) },
      originalTitle: message.title, originalBody: message.body, publication: message.publication,
      sourceRegion: message.sourceRegion,
      duplicates: try await store.duplicateCandidates(of: message.id).map {
        .init(
          id: $0.message.id, serial: $0.message.serial.description, title: $0.message.title, status: $0.message.status,
          similarity: $0.similarity, state: $0.state.rawValue)
      })
  }
}
