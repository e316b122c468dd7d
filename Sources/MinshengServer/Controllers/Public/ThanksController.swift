import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 感谢信 (`/thanks`): the latest public letters to every unit, newest first, each with the unit it
/// thanks and the message it was written for; 20 to a page (`?before=` the last one's time).
struct ThanksController: Sendable {
  let context: ServerContext

  static let pageSize = 20

  func list(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    var before: Date?
    if let text = request.query[String.self, at: "before"], !text.isEmpty {
      guard let date = TimeCursor.date(text) else { throw PageError(.badRequest, "error_bad_request") }
      before = date
    }
    let names = try await context.store.referenceNames()
    let letters = try await context.store.latestThanksLetters(before: before, limit: Self.pageSize)
    let content = ThanksListContent(
      intro: language.text("thanks_list_intro"),
      letters: letters.map { letter in
        ThanksListContent.Letter(
          letter: ThanksView(letter, language: language),
          unit: letter.unitID.flatMap { names.units[$0]?.name } ?? "",
          unitURL: letter.unitID.map { SiteURL.unit(.value($0)).path } ?? "",
          messageURL: letter.messageID.map { SiteURL.message(.value($0)).path } ?? "")
      },
      olderURL: letters.count == Self.pageSize
        ? SiteURL.thanks.path(query: [
          ("before", letters.last.map { TimeCursor.text($0.createdAt) })
        ]) : "")
    return try await context.renderer.render(
      request, "public/thanks", title: language.text("thanks_list_title"), content, cacheable: true)
  }
}

extension ThanksController {
  struct NoteForm: Decodable {
    var _csrf: String?
    var author: String?
    var body: String?
  }

  /// `GET /units/{id}/thanks`: 写感谢信 to a unit without a case of one's own — for a citizen logged
  /// in to 我的留言 (the number proves who writes); otherwise the way to log in.
  func form(_ request: Request) async throws -> Response {
    try await notePage(request, form: NoteForm(), errors: [])
  }

  /// `POST /units/{id}/thanks`: the letter, published at once or held for a moderator.
  func submit(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(NoteForm.self)) ?? NoteForm()
    try request.checkFormToken(form._csrf)
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound(.unit) }
    guard let phone = try await context.citizenPhone(request) else {
      return request.redirect(to: SiteURL.account.path, redirectType: .normal)
    }
    let language = request.pageLanguage
    do {
      let note = try await context.store.thankUnit(
        id, author: form.author ?? "", body: form.body ?? "", phone: phone, at: context.clock())
      return try await notePage(
        request, form: NoteForm(), errors: [],
        notice: language.text(note.publication == .published ? "thanks_note_published" : "thanks_note_pending"),
        status: .created)
    } catch {
      let mapped = MappedError.of(error)
      guard mapped.status == .unprocessableEntity || mapped.status == .tooManyRequests else { throw error }
      return try await notePage(
        request, form: form,
        errors: mapped.messages(in: language) {
          language.text($0 == "author" ? "thanks_note_author" : "thanks_note_body")
        },
        status: mapped.status)
    }
  }

  private func notePage(
    _ request: Request, form: NoteForm, errors: [String], notice: String = "", status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    guard let id = request.parameters.get("id", as: UUID.self), let unit = try await context.store.unit(id) else {
      throw StoreError.notFound(.unit)
    }
    let language = request.pageLanguage
    let phone = try await context.citizenPhone(request)
    let content = ThanksNoteContent(
      unit: unit.name, unitURL: SiteURL.unit(.value(id)).path, formURL: SiteURL.unitThanks(.value(id)).path,
      loggedIn: phone != nil, author: form.author ?? "", body: form.body ?? "", errors: errors, notice: notice)
    return try await context.renderer.render(
      request, "public/thank-unit", title: language.text("thanks_note_title", ["unit": .plain(unit.name)]), content,
      status: status)
  }
}

struct ThanksNoteContent: Encodable, Sendable {
  var unit: String
  var unitURL: String
  var formURL: String
  var loggedIn: Bool
  var author: String
  var body: String
  var errors: [String]
  var notice: String
}

struct ThanksListContent: Encodable, Sendable {
  struct Letter: Encodable, Sendable {
    var letter: ThanksView
    var unit: String
    var unitURL: String
    var messageURL: String
  }

  var intro: String
  var letters: [Letter]
  /// The next page of older letters ("" on the last).
  var olderURL: String
}
