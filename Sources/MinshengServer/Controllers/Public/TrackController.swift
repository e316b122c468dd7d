import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// `/track`: the author's view of a message by its tracking code (kept in an HttpOnly cookie, never
/// in a URL), or of a message opened from 我的留言 — with the deadline that runs, the evaluation form
/// and the thanks letter.
struct TrackController: Sendable {
  let context: ServerContext

  static func trackCookie(_ code: String, context: ServerContext) -> HTTPCookies.Value {
    context.cookie(TrackingCode.normalized(code) ?? "", maxAge: 86_400 * 7)
  }

  func track(_ request: Request) async throws -> Response {
    // After an evaluation or a thanks letter, the page says it was received (`?done=…`).
    let language = request.pageLanguage
    let done = request.query[String.self, at: "done"].flatMap { Self.confirmations[$0] }
    return try await page(
      request, message: try await trackedMessage(request), notice: done.map { language.text($0) } ?? "")
  }

  /// What `?done=` may confirm, and the text that says so.
  static let confirmations = [
    "evaluated": "track_done_evaluated", "thanked": "track_done_thanked", "withdrawn": "track_done_withdrawn",
  ]

  /// The message this browser follows: by the tracking code in its cookie, or a message opened from
  /// 我的留言 whose mobile number is the one the citizen's session verified.
  func trackedMessage(_ request: Request) async throws -> Message? {
    if let code = request.cookies[PageCookies.track]?.string, !code.isEmpty {
      return try await context.store.message(trackingCode: code)
    }
    guard let id = request.cookies[PageCookies.trackedCase].flatMap({ UUID(uuidString: $0.string) }),
      let phone = try await context.citizenPhone(request), try await context.store.isWritten(id, byPhone: phone)
    else { return nil }
    return try await context.store.message(id)
  }

  private func page(
    _ request: Request, message: Message?, error: String = "", code: String = "", notice: String = "",
    errors: [String] = [],
    status: HTTPResponseStatus = .ok, thanks: ThanksForm? = nil, preview: (author: String, body: String)? = nil
  ) async throws -> Response {
    let language = request.pageLanguage
    var content = TrackContent(
      error: error, code: String(code.prefix(24)), notice: notice, found: false, message: [], deadline: "",
      canEvaluate: false, canThank: false,
      scores: SatisfactionLevel.allCases.map {
        Option(value: String($0.score), label: language.name($0), selected: false)
      }, errors: errors, publication: "", thanksBody: thanks?.body ?? "",
      thanksAuthor: thanks?.author ?? "", thanksPreviewAuthor: preview?.author ?? "",
      thanksPreviewBody: preview?.body ?? "")
    if let message, let file = try await context.store.authorFile(message.id) {
      let now = context.clock()
      let view = MessageView(
        file, names: try await context.store.referenceNames(), language: language, now: now, calendar: context.calendar)
      let deadline = DeadlineStatus.of(file.item, at: now, calendar: context.calendar)
      content.found = true
      content.message = [view]
      content.deadline =
        deadline.due.map {
          language.deadline($0) + language.text("in_brackets", ["text": .plain(language.timeLeft(deadline) ?? "")])
        }
        ?? ""
      content.canEvaluate = file.item.status == .replied
      content.canWithdraw = Workflow.rule(from: file.item.status, action: .withdraw)?.roles.contains(.citizen) == true
      content.canThank =
        !file.replies.isEmpty && file.thanks == nil && [.replied, .closed, .reopenRequested].contains(file.item.status)
      if file.item.isPublic { content.publication = language.text("publication_" + file.item.publication.rawValue) }
    }
    return try await context.renderer.render(
      request, "public/track", title: language.text("track_title"), content, status: status)
  }

  struct TrackForm: Decodable {
    var _csrf: String?
    var code: String?
  }

  /// `POST /track`: opens the message of a tracking code.
  func open(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(TrackForm.self)) ?? TrackForm()
    try request.checkFormToken(form._csrf)
    guard let code = form.code.flatMap(TrackingCode.normalized),
      try await context.store.message(trackingCode: code) != nil
    else {
      return try await page(
        request, message: nil, error: request.pageLanguage.text("track_not_found"), code: form.code ?? "",
        status: .notFound)
    }
    let response = request.redirect(to: SiteURL.track.path, redirectType: .normal)
    response.cookies[PageCookies.track] = Self.trackCookie(code, context: context)
    response.cookies[PageCookies.trackedCase] = context.expiredCookie()
    return response
  }

  func forget(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(TrackForm.self)) ?? TrackForm()
    try request.checkFormToken(form._csrf)
    let response = request.redirect(to: SiteURL.track.path, redirectType: .normal)
    response.cookies[PageCookies.track] = context.expiredCookie()
    response.cookies[PageCookies.trackedCase] = context.expiredCookie()
    return response
  }

  struct EvaluateForm: Decodable {
    var _csrf: String?
    var resolution: Int?
    var attitude: Int?
    var speed: Int?
    var comment: String?
  }

  /// `POST /track/evaluate`: the author's three scores and comment; unsatisfied asks for a reopening.
  func evaluate(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(EvaluateForm.self)) ?? EvaluateForm()
    try request.checkFormToken(form._csrf)
    guard let message = try await trackedMessage(request) else {
      return request.redirect(to: SiteURL.track.path, redirectType: .normal)
    }
    let language = request.pageLanguage
    do {
      let evaluation = try Evaluation(
        resolution: form.resolution ?? 0, attitude: form.attitude ?? 0, speed: form.speed ?? 0, comment: form.comment
      ).validated()
      try await context.store.perform(
        .evaluate(evaluation), on: message.id, by: Actor(role: .citizen, id: "citizen"), at: context.clock(),
        expectedVersion: message.version)
    } catch {
      let mapped = MappedError.of(error)
      guard mapped.status.code < 500 else { throw error }
      return try await page(
        request, message: message, errors: mapped.messages(in: language) { Self.label($0, language) },
        status: mapped.status)
    }
    return request.redirect(to: SiteURL.track.path(query: [("done", "evaluated")]), redirectType: .normal)
  }

  struct WithdrawForm: Decodable {
    var _csrf: String?
    var reason: String?
  }

  /// `POST /track/withdraw`: 撤回 — the author withdraws a message not yet dispatched, with an
  /// optional reason for the office; it is closed as withdrawn.
  func withdraw(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(WithdrawForm.self)) ?? WithdrawForm()
    try request.checkFormToken(form._csrf)
    guard let message = try await trackedMessage(request) else {
      return request.redirect(to: SiteURL.track.path, redirectType: .normal)
    }
    let reason = (form.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    do {
      if reason.count > 500 { throw ValidationError(field: "reason", reason: .tooLong(max: 500)) }
      try await context.store.perform(
        .withdraw(reason: reason.isEmpty ? nil : reason), on: message.id, by: Actor(role: .citizen, id: "citizen"),
        at: context.clock(), expectedVersion: message.version)
    } catch {
      let mapped = MappedError.of(error)
      guard mapped.status.code < 500 else { throw error }
      let language = request.pageLanguage
      return try await page(
        request, message: try await context.store.message(message.id) ?? message,
        errors: mapped.messages(in: language) { Self.label($0, language) }, status: mapped.status)
    }
    return request.redirect(to: SiteURL.track.path(query: [("done", "withdrawn")]), redirectType: .normal)
  }

  struct ThanksForm: Decodable {
    var _csrf: String?
    var author: String?
    var body: String?
    /// `yes` for 预览: the page shows how the letter would read in public, and sends nothing.
    var preview: String?
  }

  /// `POST /track/thanks`: the author's thanks letter to the unit that replied.
  func thank(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(ThanksForm.self)) ?? ThanksForm()
    try request.checkFormToken(form._csrf)
    guard let message = try await trackedMessage(request) else {
      return request.redirect(to: SiteURL.track.path, redirectType: .normal)
    }
    let language = request.pageLanguage
    if form.preview == "yes" {
      return try await page(
        request, message: message, thanks: form,
        preview: context.store.thanksPreview(of: message, author: form.author ?? "", body: form.body ?? ""))
    }
    do {
      try await context.store.thank(message, author: form.author ?? "", body: form.body ?? "", at: context.clock())
    } catch {
      let mapped = MappedError.of(error)
      guard mapped.status.code < 500 else { throw error }
      return try await page(
        request, message: message,
        errors: mapped.fields.isEmpty ? [language.text(mapped.text)] : mapped.fields.map { language.text($0.text) },
        status: mapped.status, thanks: form)
    }
    return request.redirect(to: SiteURL.track.path(query: [("done", "thanked")]), redirectType: .normal)
  }

  static func label(_ field: String, _ language: Language) -> String {
    [
      "resolution": language.text("resolution"), "attitude": language.text("attitude"), "speed": language.text("speed"),
      "comment": language.text("comment"), "reason": language.text("withdraw_reason"),
    ][field] ?? field
  }
}
