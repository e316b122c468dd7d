import Foundation
import MinshengCore
import MinshengStore
import Vapor

extension CaseController {
  /// `POST /staff/messages/{id}/draft` (the reply form's 保存草稿): keeps the reply's wording for
  /// the viewer's unit without sending it; the case page shows the form again with it.
  func saveDraft(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let form = (try? request.content.decode(ActionFields.self)) ?? ActionFields()
    try pages.checkCSRF(form._csrf, session)
    let message = try await readable(request, session)
    let language = request.pageLanguage
    do {
      try await store.saveWorkingReply(form.body ?? "", on: message.id, by: session.actor, at: context.clock())
    } catch {
      let mapped = MappedError.of(error)
      guard mapped.status.code < 500, mapped.status != .notFound else { throw error }
      let problems: [(field: String, text: String)] =
        mapped.fields.isEmpty
        ? [("", language.text(mapped.text))] : mapped.fields.map { ($0.field, language.text($0.text)) }
      return try await page(
        request, session: session, message: message, notice: "", errors: [],
        refused: RefusedAction(action: .reply, form: form, problems: problems), status: mapped.status)
    }
    return request.redirect(
      to: SiteURL.staff(.message(.value(message.id))).path(query: [("done", "draft")]) + "#a-reply",
      redirectType: .normal)
  }
}
