import Foundation
import MinshengCore
import MinshengStore
import Vapor

extension CaseController {
  /// What a case page's action form sends (each action reads the fields it takes).
  struct ActionFields: Decodable {
    var _csrf: String?
    var expected_version: String?
    var lead_unit: String?
    var assisting_units: [String]?
    var instruction: String?
    var reason: String?
    var note: String?
    var working_days: String?
    var body: String?
    var comment: String?
    var into_serial: String?
    var urgent: String?
    var contact_kind: String?
    var contacted_at: String?
    var return_code: String?
    /// 答复附图 (the reply form is sent as multipart); a part without a file name is no photo.
    var images: [File]?

    var photos: [Data] {
      (images ?? []).filter { !($0.filename.isEmpty && $0.data.readableBytes == 0) }.map {
        Data($0.data.readableBytesView)
      }
    }
  }

  /// `POST /staff/messages/{id}/actions/{action}`: one workflow action from the case page. The
  /// workflow checks the role and the unit; on success the case page is shown again.
  func act(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let form = (try? request.content.decode(ActionFields.self)) ?? ActionFields()
    try pages.checkCSRF(form._csrf, session)
    let message = try await readable(request, session)
    guard let action = request.parameters.get("action").flatMap(Action.init(rawValue:)), action != .evaluate else {
      throw PageError(.notFound, "error_page_not_found")
    }
    let language = request.pageLanguage
    func text(_ value: String?) -> String? {
      guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
      return value
    }
    var problems: [(field: String, text: String)] = []
    var input = ActionInput(
      leadUnit: text(form.lead_unit).flatMap(UUID.init(uuidString:)),
      assistingUnits: (form.assisting_units ?? []).compactMap(UUID.init(uuidString:)),
      instruction: text(form.instruction),
      reason: text(form.reason), note: text(form.note), body: text(form.body), comment: text(form.comment),
      urgent: form.urgent == "yes")
    if action == .merge {
      if let serial = text(form.into_serial).flatMap(Serial.init), let parent = try await store.message(serial: serial)
      {
        input.into = parent.id
      } else {
        problems.append(("into", language.text("form_serial_hint")))
      }
    }
    if action == .note, let kind = text(form.contact_kind) {
      input.contactKind = ContactRecord.Kind(rawValue: kind)
      input.contactedAt = text(form.contacted_at).flatMap(Self.parseLocalMinute)
      if input.contactKind == nil { problems.append(("contact_kind", language.text("form_contact_kind_error"))) }
      if input.contactedAt == nil { problems.append(("contacted_at", language.text("form_contact_time_error"))) }
    }
    // The approve form always sends the draft's wording: emptied, it is no reply to publish.
    if action == .approveReply, form.body != nil, input.body == nil {
      problems.append(("body", language.text("error_missing")))
    }
    if action == .returnToDispatcher, let code = text(form.return_code) {
      input.returnCode = ReturnReason(rawValue: code)
      if input.returnCode == nil { problems.append(("return_code", language.text("form_choose_from_list"))) }
    }
    if let value = text(form.working_days) {
      if let days = Int(value) {
        input.workingDays = days
      } else {
        problems.append(("working_days", language.text("form_integer")))
      }
    }
    var status = HTTPResponseStatus.unprocessableEntity
    if problems.isEmpty {
      do {
        try await store.perform(
          try input.command(for: action), on: message.id, by: session.actor, at: context.clock(),
          expectedVersion: text(form.expected_version).flatMap { Int($0) }, images: form.photos)
        return request.redirect(
          to: SiteURL.staff(.message(.value(message.id))).path(query: [("done", action.rawValue)]),
          redirectType: .normal)
      } catch {
        let mapped = MappedError.of(error)
        guard mapped.status.code < 500, mapped.status != .notFound else { throw error }
        problems =
          mapped.fields.isEmpty
          ? [("", language.text(mapped.text))] : mapped.fields.map { ($0.field, language.text($0.text)) }
        status = mapped.status
      }
    }
    // A browser cannot be given files back: photos sent with a refused reply must be chosen again.
    if !form.photos.isEmpty, !problems.contains(where: { $0.field.hasPrefix("images") }) {
      problems.append(("images", language.text("images_choose_again", ["count": .number(form.photos.count)])))
    }
    let current = try await store.message(message.id) ?? message
    return try await page(
      request, session: session, message: current, notice: "", errors: [],
      refused: RefusedAction(action: action, form: form, problems: problems), status: status)
  }
}
