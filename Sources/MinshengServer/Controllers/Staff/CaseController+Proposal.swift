import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 人民建议 on the case page: the suggestion's campaign, proposal, benefit and supports; the
/// dispatching office's form to make a 建议 message a suggestion; the evaluating unit's form for the
/// outcome (采纳 / 部分采纳 / 留作参考 / 暂不采纳 with a public reason) and, once adopted, for the
/// steps of its adoption (转化运用). `ProposalRules` decides which form the viewer gets.
struct ProposalStaffView: Encodable, Sendable {
  /// Whether the case is a suggestion (its details shown).
  var isProposal = false
  var campaign = ""
  var proposal: [String] = []
  var benefit: [String] = []
  var supports = ""
  var outcome = ""
  var reason: [String] = []
  var state = ""
  var adoptions: [String] = []
  var instructions: [String] = []
  /// 热点转办: the hot topic's messages it came from, those the viewer may read.
  var sources: [TopicView.Item] = []
  var openURL = ""
  var instructionURL = ""
  /// 专家评审: the panel's members and opinions, and the office's form to name members.
  var reviews: [String] = []
  var reviewersURL = ""
  var evaluateURL = ""
  var adoptionURL = ""
  var campaigns: [Option] = []
  var outcomes: [Option] = []
}

extension CaseController {
  func proposalView(_ message: Message, actor: Actor, language: Language) async throws -> ProposalStaffView {
    var view = ProposalStaffView()
    guard message.type == .suggestion else { return view }
    let existing = try await store.proposal(message.id)
    guard let proposal = existing else {
      if ProposalRules.mayOpen(actor, message, existing: nil) == nil {
        view.openURL = SiteURL.staff(.openProposal(.value(message.id))).path
        let today = context.calendar.day(of: context.clock())
        view.campaigns = try await store.campaigns().filter { $0.phase(on: today) != .closed }.map {
          Option(value: $0.id.uuidString.lowercased(), label: $0.title, selected: $0.isGeneral)
        }
      }
      return view
    }
    view.isProposal = true
    view.campaign = try await store.campaign(proposal.campaignID)?.title ?? ""
    view.proposal = MessageView.paragraphs(proposal.proposal)
    view.benefit = MessageView.paragraphs(proposal.benefit)
    view.supports = language.text("proposal_supports", ["count": .number(proposal.supports)])
    view.state = language.name(ProposalWorkflow.state(of: message, proposal))
    view.sources = try await store.proposalSources(of: message.id).filter { CaseAccess.mayRead(actor, $0) }.map {
      TopicView.Item(title: $0.serial.description + " " + $0.title, url: SiteURL.staff(.message(.value($0.id))).path)
    }
    view.outcome = proposal.outcome.map(language.name) ?? ""
    view.reason = MessageView.paragraphs(proposal.outcomeReason ?? "")
    let adoptions = try await store.adoptions(of: message.id)
    let files = try await store.documents(of: adoptions.map(\.id))
    view.adoptions = adoptions.map { step in
      ([
        language.text(
          "adoption_line",
          [
            "date": .plain(language.date(step.createdAt)), "measure": .plain(step.measure),
            "progress": .number(step.progress),
          ])
      ]
        + (files[step.id] ?? []).map { language.text("adoption_line_document", ["name": .plain($0.fileName)]) })
        .joined(separator: language.text("list_separator"))
    }
    view.instructions = try await store.instructions(of: message.id).map {
      language.text(
        "instruction_line",
        ["date": .plain($0.givenOn.description), "leader": .plain($0.leader), "text": .plain($0.text)])
    }
    view.reviews = try await store.reviews(of: message.id).map { review in
      review.reviewedAt == nil
        ? language.text("review_pending", ["name": .plain(review.username)])
        : language.text(
          "review_line",
          [
            "name": .plain(review.username), "outcome": .plain(review.outcome.map(language.name) ?? ""),
            "opinion": .plain(review.opinion ?? ""),
          ])
    }
    if ProposalRules.mayNameReviewers(actor, message, proposal) == nil {
      view.reviewersURL = SiteURL.staff(.nameReviewers(.value(message.id))).path
    }
    if ProposalRules.mayRecordInstruction(actor, message, proposal) == nil {
      view.instructionURL = SiteURL.staff(.recordInstruction(.value(message.id))).path
    }
    if ProposalRules.mayEvaluate(actor, message, proposal) == nil {
      view.evaluateURL = SiteURL.staff(.evaluateProposal(.value(message.id))).path
      view.outcomes = ProposalOutcome.allCases.map {
        Option(value: $0.rawValue, label: language.name($0), selected: false)
      }
    }
    if ProposalRules.mayRecordAdoption(actor, message, proposal) == nil {
      view.adoptionURL = SiteURL.staff(.recordAdoption(.value(message.id))).path
    }
    return view
  }

  struct ProposalFields: Decodable {
    var _csrf: String?
    var campaign: String?
    var proposal: String?
    var outcome: String?
    var reason: String?
    var measure: String?
    var document_title: String?
    var document_number: String?
    var document_date: String?
    var link: String?
    var progress: String?
    var document_file: File?
    var leader: String?
    var given_on: String?
    var text: String?
    var public_summary: String?
    var reviewers: String?
  }

  /// `POST /staff/messages/{id}/proposal`: 转为人民建议.
  func openProposal(_ request: Request) async throws -> Response {
    try await proposalStep(request, done: "proposal_opened") { id, form, actor, now in
      let campaign = try (form.campaign ?? "").isEmpty ? nil : Self.uuid(form.campaign, field: "campaign")
      try await store.openProposal(id, campaign: campaign, proposal: form.proposal, by: actor, at: now)
    }
  }

  /// `POST /staff/messages/{id}/proposal/evaluation`: 评估结论.
  func evaluateProposal(_ request: Request) async throws -> Response {
    try await proposalStep(request, done: "proposal_evaluated") { id, form, actor, now in
      guard let outcome = form.outcome.flatMap(ProposalOutcome.init(rawValue:)) else {
        throw ValidationError(field: "outcome", reason: .missing)
      }
      try await store.evaluateProposal(id, outcome: outcome, reason: form.reason ?? "", by: actor, at: now)
    }
  }

  /// `POST /staff/messages/{id}/proposal/adoptions`: 转化运用, one step.
  func recordAdoption(_ request: Request) async throws -> Response {
    try await proposalStep(request, done: "adoption_recorded") { id, form, actor, now in
      let date = (form.document_date ?? "").isEmpty ? nil : form.document_date.flatMap(LocalDate.init)
      if !(form.document_date ?? "").isEmpty, date == nil {
        throw ValidationError(field: "document_date", reason: .invalid(LocalizedText("form_date_hint")))
      }
      let progress = (form.progress ?? "").isEmpty ? nil : Int(form.progress ?? "")
      if !(form.progress ?? "").isEmpty, progress == nil {
        throw ValidationError(field: "progress", reason: .invalid(LocalizedText("error_adoption_progress")))
      }
      try await store.recordAdoption(
        id,
        NewAdoption(
          measure: form.measure ?? "", documentTitle: form.document_title ?? "",
          documentNumber: form.document_number ?? "", documentDate: date, link: form.link ?? "", progress: progress),
        document: form.document_file.flatMap { file in
          file.data.readableBytes == 0
            ? nil
            : DocumentFile(
              fileName: DocumentFile.displayName(
                file.filename, fallback: form.document_title.flatMap { $0.isEmpty ? nil : $0 } ?? "document"),
              data: Data(buffer: file.data))
        }, by: actor, at: now)
    }
  }

  /// `POST /staff/messages/{id}/proposal/reviewers`: 组织专家评审.
  func nameReviewers(_ request: Request) async throws -> Response {
    try await proposalStep(request, done: "reviewers_named") { id, form, actor, now in
      try await store.nameReviewers(
        id, usernames: ProposalReview.usernames(form.reviewers ?? ""), by: actor, at: now)
    }
  }

  /// `POST /staff/messages/{id}/proposal/instructions`: 领导批示.
  func recordInstruction(_ request: Request) async throws -> Response {
    try await proposalStep(request, done: "proposal_instructed") { id, form, actor, now in
      let day = (form.given_on ?? "").isEmpty ? nil : form.given_on.flatMap(LocalDate.init)
      if !(form.given_on ?? "").isEmpty, day == nil {
        throw ValidationError(field: "given_on", reason: .invalid(LocalizedText("form_date_hint")))
      }
      try await store.recordInstruction(
        id,
        NewProposalInstruction(
          leader: form.leader ?? "", givenOn: day, text: form.text ?? "", publicSummary: form.public_summary ?? ""),
        by: actor, at: now)
    }
  }

  private static func uuid(_ text: String?, field: String) throws -> UUID {
    guard let id = text.flatMap(UUID.init(uuidString:)) else {
      throw ValidationError(field: field, reason: .unknownReference)
    }
    return id
  }

  private func proposalStep(
    _ request: Request, done: String, _ step: (UUID, ProposalFields, Actor, Date) async throws -> Void
  ) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let form = (try? request.content.decode(ProposalFields.self)) ?? ProposalFields()
    try pages.checkCSRF(form._csrf, session)
    let message = try await readable(request, session)
    do {
      try await step(message.id, form, session.actor, context.clock())
    } catch {
      let mapped = MappedError.of(error)
      guard mapped.status.code < 500, mapped.status != .notFound else { throw error }
      let language = request.pageLanguage
      let errors = mapped.messages(in: language) { Self.proposalLabel($0, language) }
      return try await page(
        request, session: session, message: try await store.message(message.id) ?? message, notice: "",
        errors: errors, status: mapped.status)
    }
    return request.redirect(
      to: SiteURL.staff(.message(.value(message.id))).path(query: [("done", done)]) + "#proposal",
      redirectType: .normal)
  }

  private static func proposalLabel(_ field: String, _ language: Language) -> String {
    let keys = [
      "campaign": "campaign_label", "proposal": "proposal_text", "outcome": "proposal_outcome_label",
      "reason": "proposal_reason", "measure": "adoption_measure", "document_title": "adoption_document_title",
      "document_number": "adoption_document_number", "document_date": "adoption_document_date",
      "link": "adoption_link", "progress": "adoption_progress_label", "document_file": "adoption_document_file",
      "leader": "instruction_leader",
      "given_on": "instruction_given_on", "reviewers": "field_reviewers", "text": "instruction_text",
      "public_summary": "instruction_public_summary",
    ]
    return keys[field].map { language.text($0) } ?? field
  }
}
