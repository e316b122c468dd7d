import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 评价申诉 on the case page: the lead unit's form to appeal an unsatisfied rating, the supervisors'
/// form to decide it, and where the appeal stands.
struct AppealView: Encodable, Sendable {
  /// `form` (the unit may appeal), `decide` (the viewer may decide), `pending`, `decided` or "" (none).
  var mode = ""
  var intro = ""
  var status = ""
  var appealURL = ""
  var decideURL = ""
}

extension CaseController {
  /// What the case page shows of the rating appeal to this viewer.
  func appealView(
    _ message: Message, events: [EventDraft], actor: Actor, language: Language
  ) -> AppealView {
    var view = AppealView()
    view.appealURL = SiteURL.staff(.appealRating(.value(message.id))).path
    view.decideURL = SiteURL.staff(.decideAppeal(.value(message.id))).path
    let level =
      events.last { $0.action == .workflow(.evaluate) }?.payload["level"]
      .flatMap(SatisfactionLevel.init(rawValue:)).map(language.name) ?? ""
    switch RatingAppeal.state(of: events) {
    case .none:
      return AppealView()
    case .appealable:
      guard RatingAppeal.mayAppeal(actor, message, events: events) else { return AppealView() }
      view.mode = "form"
      view.intro = language.text("appeal_intro", ["level": .plain(level)])
    case .pending(let reason, let at):
      view.mode = RatingAppeal.mayDecide(actor, events: events) ? "decide" : "pending"
      view.status = language.text("appeal_pending", ["time": .plain(language.dateTime(at)), "reason": .plain(reason)])
    case .decided(let upheld):
      view.mode = "decided"
      view.status = language.text(upheld ? "appeal_decided_upheld" : "appeal_decided_rejected")
    }
    return view
  }

  struct AppealFields: Decodable {
    var _csrf: String?
    var reason: String?
    var note: String?
    var upheld: String?
  }

  /// `POST /staff/messages/{id}/appeal`: the lead unit appeals the rating; back to the case.
  func appeal(_ request: Request) async throws -> Response {
    try await appealStep(request) { id, form, actor, now in
      try await context.store.appealRating(id, reason: form.reason ?? "", by: actor, at: now)
    }
  }

  /// `POST /staff/messages/{id}/appeal/decide` with `upheld=1|0`: a supervisor decides; back to the case.
  func decideAppeal(_ request: Request) async throws -> Response {
    try await appealStep(request) { id, form, actor, now in
      guard let upheld = form.upheld, ["0", "1"].contains(upheld) else {
        throw PageError(.badRequest, "error_bad_request")
      }
      try await context.store.decideRatingAppeal(id, upheld: upheld == "1", note: form.note, by: actor, at: now)
    }
  }

  private func appealStep(
    _ request: Request, _ step: (UUID, AppealFields, Actor, Date) async throws -> Void
  ) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let form = (try? request.content.decode(AppealFields.self)) ?? AppealFields()
    try pages.checkCSRF(form._csrf, session)
    // Whoever may not read the case learns nothing of it, not even by appealing.
    guard let id = request.parameters.get("id", as: UUID.self), let message = try await context.store.message(id),
      CaseAccess.mayRead(session.actor, message)
    else { throw PageError(.notFound, "error_page_not_found") }
    try await step(id, form, session.actor, context.clock())
    return request.redirect(
      to: SiteURL.staff(.message(.value(id))).path + "#appeal", redirectType: .normal)
  }
}
