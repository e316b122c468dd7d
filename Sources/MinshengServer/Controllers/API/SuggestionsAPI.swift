import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 人民建议征集 in the JSON API: campaigns (administrators open them), the public suggestions and one
/// suggestion with its adoption steps, 附议 with a verified number, and the evaluating unit's outcome
/// and adoption steps (staff, by bearer token). Suggestions are written with `POST /api/v1/messages`
/// and a `proposal` object.
struct SuggestionsAPI: Sendable {
  let context: ServerContext

  var store: Store { context.store }

  struct CampaignBody: Content {
    var id: UUID
    var title: String
    var description: String
    var opensOn: String
    var closesOn: String?
    var supportThreshold: Int?
    var unitIDs: [UUID]
    var isGeneral: Bool
    var phase: String

    enum CodingKeys: String, CodingKey {
      case id, title, description, phase
      case opensOn = "opens_on"
      case closesOn = "closes_on"
      case supportThreshold = "support_threshold"
      case unitIDs = "unit_ids"
      case isGeneral = "is_general"
    }

    init(_ campaign: Campaign, today: LocalDate) {
      id = campaign.id
      title = campaign.title
      description = campaign.description
      opensOn = campaign.opensOn.description
      closesOn = campaign.closesOn?.description
      supportThreshold = campaign.supportThreshold
      unitIDs = campaign.unitIDs
      isGeneral = campaign.isGeneral
      phase = campaign.phase(on: today).rawValue
    }
  }

  struct NewCampaignBody: Content {
    var title: String
    var description: String
    var opensOn: String
    var closesOn: String?
    var supportThreshold: Int?
    var unitIDs: [UUID]?

    enum CodingKeys: String, CodingKey {
      case title, description
      case opensOn = "opens_on"
      case closesOn = "closes_on"
      case supportThreshold = "support_threshold"
      case unitIDs = "unit_ids"
    }
  }

  // MARK: Public

  /// `GET /api/v1/suggestions/campaigns`: every campaign, the general one first.
  func campaigns(_ request: Request) async throws -> [CampaignBody] {
    let today = context.calendar.day(of: context.clock())
    return try await store.campaigns().map { CampaignBody($0, today: today) }
  }

  /// `POST /api/v1/suggestions/campaigns` (administrators): 201 with the campaign.
  func createCampaign(_ request: Request) async throws -> Response {
    let account = try request.auth.require(AuthenticatedStaff.self).account
    guard StaffAccess.mayOpen(.administration, account.actor) else { throw PageError.notAllowed(.administration) }
    let body = try request.content.decode(NewCampaignBody.self)
    var problems: [ValidationError.Problem] = []
    let opens = LocalDate(body.opensOn)
    if opens == nil { problems.append(.init(field: "opens_on", reason: .invalid(LocalizedText("form_date_hint")))) }
    let closes = body.closesOn.flatMap { $0.isEmpty ? nil : $0 }.map { LocalDate($0) }
    if case .some(.none) = closes {
      problems.append(.init(field: "closes_on", reason: .invalid(LocalizedText("form_date_hint"))))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    let campaign = try await store.createCampaign(
      NewCampaign(
        title: body.title, description: body.description, opensOn: opens, closesOn: closes ?? nil,
        supportThreshold: body.supportThreshold, unitIDs: body.unitIDs ?? []),
      by: account.username, at: context.clock())
    let response = Response(status: .created)
    try response.content.encode(
      CampaignBody(campaign, today: context.calendar.day(of: context.clock())), as: .json)
    return response
  }

  struct ListQuery: Content {
    var campaign: UUID?
    var stage: ProposalStage?
    var before: String?
    var limit: Int?
  }

  /// `GET /api/v1/suggestions`: the public suggestions, newest first, by campaign and stage; `before`
  /// (from `next_before`) pages.
  func list(_ request: Request) async throws -> SuggestionList {
    let query = try request.query.decode(ListQuery.self)
    let limit = try MessagesAPI.limit(query.limit)
    var before: Date?
    if let text = query.before {
      guard let date = TimeCursor.date(text) else {
        throw ValidationError(field: "before", reason: .invalid(LocalizedText("error_cursor")))
      }
      before = date
    }
    let items = try await store.publicProposals(
      campaign: query.campaign, stage: query.stage, before: before, limit: min(limit, 100))
    return SuggestionList(
      suggestions: items.map { SuggestionBody($0, adoptions: [], instructions: []) },
      nextBefore: items.count == min(limit, 100)
        ? items.last.map { TimeCursor.text($0.proposal.createdAt) } : nil)
  }

  /// `GET /api/v1/suggestions/{id}`: one public suggestion with its adoption steps; 404 for anything
  /// else, private ones included.
  func show(_ request: Request) async throws -> SuggestionBody {
    let (message, proposal) = try await publicSuggestion(request)
    return try await suggestionBody(message, proposal)
  }

  struct SupportRequest: Content {
    var phone: String
    var phoneCode: String

    enum CodingKeys: String, CodingKey {
      case phone
      case phoneCode = "phone_code"
    }
  }

  /// `POST /api/v1/suggestions/{id}/supports`: 附议 with a mobile number proved by a one-time code
  /// (`POST /api/v1/phone-codes`); 201 with the suggestion, 409 when the number supports it already.
  func support(_ request: Request) async throws -> Response {
    let (message, _) = try await publicSuggestion(request)
    let body = try request.content.decode(SupportRequest.self)
    try await store.verifyPhoneCode(body.phoneCode, for: body.phone, at: context.clock())
    let proposal = try await store.support(message.id, phone: body.phone, at: context.clock())
    let response = Response(status: .created)
    let current = try await store.message(message.id) ?? message
    try response.content.encode(
      try await suggestionBody(current, proposal),
      as: .json)
    return response
  }

  // MARK: Staff

  struct EvaluationRequest: Content {
    var outcome: ProposalOutcome
    var reason: String
  }

  /// `POST /api/v1/suggestions/{id}/evaluation`: the evaluating unit's outcome and public reason.
  func evaluate(_ request: Request) async throws -> SuggestionBody {
    let (account, message) = try await staffCase(request)
    let body = try request.content.decode(EvaluationRequest.self)
    let proposal = try await store.evaluateProposal(
      message.id, outcome: body.outcome, reason: body.reason, by: account.actor, at: context.clock())
    let current = try await store.message(message.id) ?? message
    return try await suggestionBody(current, proposal)
  }

  struct AdoptionRequest: Content {
    var measure: String
    var documentTitle: String?
    var documentNumber: String?
    var documentDate: String?
    var link: String?
    var progress: Int

    enum CodingKeys: String, CodingKey {
      case measure, link, progress
      case documentTitle = "document_title"
      case documentNumber = "document_number"
      case documentDate = "document_date"
    }
  }

  /// `POST /api/v1/suggestions/{id}/adoptions`: a step of an adopted suggestion's adoption; 201.
  func recordAdoption(_ request: Request) async throws -> Response {
    let (account, message) = try await staffCase(request)
    let body = try request.content.decode(AdoptionRequest.self)
    let date = body.documentDate.flatMap { $0.isEmpty ? nil : $0 }.map { LocalDate($0) }
    if case .some(.none) = date {
      throw ValidationError(field: "document_date", reason: .invalid(LocalizedText("form_date_hint")))
    }
    let step = try await store.recordAdoption(
      message.id,
      NewAdoption(
        measure: body.measure, documentTitle: body.documentTitle ?? "", documentNumber: body.documentNumber ?? "",
        documentDate: date ?? nil, link: body.link ?? "", progress: body.progress),
      by: account.actor, at: context.clock())
    let response = Response(status: .created)
    try response.content.encode(AdoptionBody(step), as: .json)
    return response
  }

  struct InstructionRequest: Content {
    var leader: String
    var givenOn: String
    var text: String
    var publicSummary: String?

    enum CodingKeys: String, CodingKey {
      case leader, text
      case givenOn = "given_on"
      case publicSummary = "public_summary"
    }
  }

  /// `POST /api/v1/suggestions/{id}/instructions`: a leader's 批示, recorded by the office; 201 with
  /// it as the public reads it.
  func recordInstruction(_ request: Request) async throws -> Response {
    let (account, message) = try await staffCase(request)
    let body = try request.content.decode(InstructionRequest.self)
    guard let day = LocalDate(body.givenOn) else {
      throw ValidationError(field: "given_on", reason: .invalid(LocalizedText("form_date_hint")))
    }
    let instruction = try await store.recordInstruction(
      message.id,
      NewProposalInstruction(
        leader: body.leader, givenOn: day, text: body.text, publicSummary: body.publicSummary ?? ""),
      by: account.actor, at: context.clock())
    let response = Response(status: .created)
    try response.content.encode(InstructionBody(instruction), as: .json)
    return response
  }

  /// A suggestion as anyone may see it, with its adoption steps and instructions.
  private func suggestionBody(_ message: Message, _ proposal: Proposal) async throws -> SuggestionBody {
    let adoptions = try await store.adoptions(of: message.id)
    return SuggestionBody(
      store.publicProposal(message, proposal), adoptions: adoptions,
      documents: try await store.documents(of: adoptions.map(\.id)),
      instructions: try await store.instructions(of: message.id))
  }

  private func publicSuggestion(_ request: Request) async throws -> (Message, Proposal) {
    guard let id = request.parameters.get("id", as: UUID.self), let message = try await store.message(id),
      message.isShownPublicly, let proposal = try await store.proposal(id)
    else { throw StoreError.notFound(.proposal) }
    return (message, proposal)
  }

  /// The staff account and the suggestion's message, when the account may read the case (403
  /// otherwise, the same for an unknown id).
  private func staffCase(_ request: Request) async throws -> (StaffAccount, Message) {
    let account = try request.auth.require(AuthenticatedStaff.self).account
    guard let id = request.parameters.get("id", as: UUID.self), let message = try await store.message(id),
      CaseAccess.mayRead(account.actor, message)
    else { throw PageError(.forbidden, "error_forbidden_case") }
    return (account, message)
  }
}

extension ProposalStage: Content {}
extension ProposalOutcome: Content {}
