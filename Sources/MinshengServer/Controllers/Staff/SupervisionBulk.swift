import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 批量催办、督办 from the supervision board: the cases ticked on the board, each with the same words,
/// each an event of its own with its notices to the unit (as one 催办 or 督办 from the case page).
struct SupervisionBulk: Sendable {
  let pages: StaffPages
  var context: ServerContext { pages.context }

  /// The most cases one submission acts on (the board shows at most 200 to a page).
  static let most = 200

  struct Fields: Decodable {
    var _csrf: String?
    var action: String?
    var note: String?
    var ids: [String]?
  }

  /// `POST /staff/supervision/bulk`: back to the board with how many were done and how many could not
  /// be (a case that moved on meanwhile, or closed).
  func submit(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let form = (try? request.content.decode(Fields.self)) ?? Fields()
    try pages.checkCSRF(form._csrf, session)
    _ = try pages.scope(of: .supervision, for: session)
    let note = (form.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    let ids = Array(Set((form.ids ?? []).compactMap(UUID.init(uuidString:))))
    let command: MinshengCore.Command
    switch form.action {
    case Action.remind.rawValue: command = .remind(note: note.isEmpty ? nil : note)
    case Action.supervise.rawValue where !note.isEmpty && note.count <= 2_000: command = .supervise(note: note)
    case Action.supervise.rawValue: return back(request, outcome: "note")
    default: throw PageError(.badRequest, "error_bad_request")
    }
    guard !ids.isEmpty else { return back(request, outcome: "none") }
    guard ids.count <= Self.most else { return back(request, outcome: "many") }
    var done = 0
    for id in ids {
      do {
        try await context.store.perform(command, on: id, by: session.actor, at: context.clock())
        done += 1
      } catch {
        // A case that moved on, was closed or is gone is counted as not done; anything else is a fault.
        let mapped = MappedError.of(error)
        guard mapped.status.code < 500 else { throw error }
      }
    }
    return back(
      request, outcome: command.action.rawValue, done: done, failed: ids.count - done)
  }

  private func back(_ request: Request, outcome: String, done: Int = 0, failed: Int = 0) -> Response {
    request.redirect(
      to: SiteURL.staff(.supervision).path(query: [
        ("bulk", outcome), ("done", String(done)), ("failed", String(failed)),
      ]), redirectType: .normal)
  }

  /// `POST /staff/notices/read`: marks the inbox's notices read for the viewer (only notices addressed
  /// to their unit or to them), then back to the inbox.
  func markRead(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let form = (try? request.content.decode(Fields.self)) ?? Fields()
    try pages.checkCSRF(form._csrf, session)
    var recipients = ["user:" + session.account.username]
    if let unit = session.account.unitID, let code = try await context.store.referenceNames().units[unit]?.code {
      recipients.append("unit:" + code)
    }
    let ids = Array(Set((form.ids ?? []).compactMap(UUID.init(uuidString:)))).prefix(Self.most)
    try await context.store.markNoticesRead(
      Array(ids), by: session.account.username, among: recipients, at: context.clock())
    return request.redirect(to: SiteURL.staff(.inbox).path + "#notices", redirectType: .normal)
  }

  /// The board's notice after a bulk submission ("" without one).
  static func notice(_ request: Request, language: Language) -> String {
    guard let outcome = request.query[String.self, at: "bulk"] else { return "" }
    let done = request.query[Int.self, at: "done"] ?? 0
    let failed = request.query[Int.self, at: "failed"] ?? 0
    switch outcome {
    case Action.remind.rawValue, Action.supervise.rawValue:
      let text = language.text(
        "bulk_done_" + outcome, ["done": .number(max(0, done))])
      return failed > 0 ? text + language.text("bulk_failed", ["failed": .number(failed)]) : text
    case "note": return language.text("bulk_note_needed")
    case "none": return language.text("bulk_none")
    case "many": return language.text("bulk_too_many", ["most": .number(most)])
    default: return ""
    }
  }
}
