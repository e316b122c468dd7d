import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 待评审建议: the suggestions on whose panel the viewer sits, and the page where they give their
/// opinion. A member reads the suggestion as the unit does (its title, problem, proposal, benefit and
/// supports) but not its author's contact details, nor the other members' opinions.
struct ReviewsController: Sendable {
  let pages: StaffPages
  var context: ServerContext { pages.context }

  struct ListContent: Encodable, Sendable {
    var items: [Item]

    struct Item: Encodable, Sendable {
      var title: String
      var url: String
      var state: String
      var done: Bool
    }
  }

  struct PageContent: Encodable, Sendable {
    var serial: String
    var title: String
    var problem: [String]
    var proposal: [String]
    var benefit: [String]
    var campaign: String
    var supports: String
    var state: String
    var action: String
    var outcomes: [Option]
    var given: String
    var opinion: String
  }

  struct Fields: Decodable {
    var _csrf: String?
    var outcome: String?
    var opinion: String?
  }

  /// `GET /staff/reviews`.
  func list(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let language = request.pageLanguage
    let items = try await context.store.reviewAssignments(of: session.account.username).map { review, message in
      ListContent.Item(
        title: message.serial.description + " " + message.title, url: SiteURL.staff(.review(.value(message.id))).path,
        state: language.text(review.reviewedAt == nil ? "reviews_waiting" : "reviews_done"),
        done: review.reviewedAt != nil)
    }
    return try await pages.render(
      request, "staff/reviews", title: language.text("reviews_title"), session: session, ListContent(items: items))
  }

  /// `GET /staff/reviews/{id}`: the suggestion and the opinion form (404 for anyone not on its panel).
  func page(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let (message, proposal, membership) = try await member(request, session)
    let language = request.pageLanguage
    return try await render(request, session, message, proposal, membership, language: language)
  }

  /// `POST /staff/reviews/{id}`: the opinion, once.
  func submit(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let form = (try? request.content.decode(Fields.self)) ?? Fields()
    try pages.checkCSRF(form._csrf, session)
    let (message, proposal, membership) = try await member(request, session)
    let language = request.pageLanguage
    do {
      guard let outcome = form.outcome.flatMap(ProposalOutcome.init(rawValue:)) else {
        throw ValidationError(field: "outcome", reason: .missing)
      }
      try await context.store.recordReview(
        message.id, outcome: outcome, opinion: form.opinion ?? "", by: session.actor, at: context.clock())
    } catch {
      let mapped = MappedError.of(error)
      guard mapped.status.code < 500, mapped.status != .notFound else { throw error }
      let errors = mapped.messages(in: language) {
        language.text($0 == "outcome" ? "review_outcome" : "review_opinion")
      }
      return try await render(
        request, session, message, proposal, membership, language: language, opinion: form.opinion ?? "",
        errors: errors, status: mapped.status)
    }
    return request.redirect(
      to: SiteURL.staff(.review(.value(message.id))).path(query: [("done", "proposal_reviewed")]), redirectType: .normal
    )
  }

  private func member(
    _ request: Request, _ session: StaffSession
  ) async throws -> (Message, Proposal, ProposalReview) {
    guard let id = request.parameters.get("id", as: UUID.self), let message = try await context.store.message(id),
      let proposal = try await context.store.proposal(id),
      let membership = try await context.store.reviews(of: id).first(where: { $0.username == session.account.username })
    else { throw StoreError.notFound(.proposal) }
    return (message, proposal, membership)
  }

  private func render(
    _ request: Request, _ session: StaffSession, _ message: Message, _ proposal: Proposal,
    _ membership: ProposalReview, language: Language, opinion: String = "", errors: [String] = [],
    status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let mayGive = ProposalRules.mayReview(session.actor, message, proposal, membership: membership) == nil
    let given =
      membership.reviewedAt == nil
      ? ""
      : language.text(
        "review_line",
        [
          "name": .plain(membership.username), "outcome": .plain(membership.outcome.map(language.name) ?? ""),
          "opinion": .plain(membership.opinion ?? ""),
        ])
    let content = PageContent(
      serial: message.serial.description, title: message.title, problem: MessageView.paragraphs(message.body),
      proposal: MessageView.paragraphs(proposal.proposal), benefit: MessageView.paragraphs(proposal.benefit),
      campaign: try await context.store.campaign(proposal.campaignID)?.title ?? "",
      supports: language.text("proposal_supports", ["count": .number(proposal.supports)]),
      state: language.name(ProposalWorkflow.state(of: message, proposal)),
      action: mayGive ? SiteURL.staff(.review(.value(message.id))).path : "",
      outcomes: ProposalOutcome.allCases.map { Option(value: $0.rawValue, label: language.name($0), selected: false) },
      given: given, opinion: opinion)
    let notice =
      request.query[String.self, at: "done"] == "proposal_reviewed" ? language.text("done_proposal_reviewed") : ""
    return try await pages.render(
      request, "staff/review", title: language.text("review_title"), session: session, content, notice: notice,
      errors: errors, status: status)
  }
}
