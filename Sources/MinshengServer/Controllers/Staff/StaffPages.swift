import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// A logged-in member of staff, from the session cookie.
struct StaffSession: Sendable {
  var account: StaffAccount
  var csrf: String
  var key: String

  var actor: Actor { account.actor }
}

/// What every staff page shares: the session, the access check of `StaffAccess`, the CSRF check, and
/// the frame (who is logged in, the navigation in the viewer's language).
struct StaffPages: Sendable {
  let context: ServerContext

  /// The session of the request's cookie, if it is live.
  func session(_ request: Request) async throws -> StaffSession? {
    guard let key = request.cookies[SessionCookie.name]?.string, !key.isEmpty,
      let found = try await context.store.session(forKey: key, at: context.clock())
    else { return nil }
    return StaffSession(account: found.account, csrf: found.csrfToken, key: key)
  }

  /// Where a request without a session goes.
  func toLogin(_ request: Request) -> Response {
    request.redirect(to: SiteURL.staff(.login).path, redirectType: .normal)
  }

  /// How much of `place` the session's account sees; refuses (403) when it may not open it at all.
  func scope(of place: StaffPlace, for session: StaffSession) throws -> StaffScope {
    let scope = StaffAccess.scope(of: place, for: session.actor)
    guard scope != .none else { throw PageError.notAllowed(place) }
    return scope
  }

  /// Refuses a form without the session's CSRF token.
  func checkCSRF(_ sent: String?, _ session: StaffSession) throws {
    guard let sent, PageTokens.equal(sent, session.csrf) else { throw PageError.staleForm }
  }

  /// Renders a workbench page in the viewer's language.
  func render<Body: Encodable & Sendable>(
    _ request: Request, _ template: String, title: String, session: StaffSession, _ body: Body,
    notice: String = "", errors: [String] = [], linkedErrors: [ErrorLine] = [], status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let language = request.pageLanguage
    let names = try await context.store.referenceNames()
    let frame = StaffFrame(
      csrf: session.csrf, user: Self.describe(session.account, names: names, language: language),
      nav: Self.nav(for: session.account.role, current: request.url.path, language: language), notice: notice,
      errors: linkedErrors + errors.map { ErrorLine(text: $0) })
    return try await context.renderer.render(request, template, title: title, body, status: status, staff: frame)
  }

  /// `username（role · unit）`.
  static func describe(_ account: StaffAccount, names: ReferenceNames, language: Language) -> String {
    let role = language.name(account.role)
    let detail = account.unitID.flatMap { names.units[$0]?.name }.map { role + " · " + $0 } ?? role
    return account.username + language.text("in_brackets", ["text": .plain(detail)])
  }

  /// The navigation of a role: the places `StaffAccess` opens to it, its own work first, then the
  /// search over the cases it may read.
  static func nav(for role: Role, current: String, language: Language) -> [NavLink] {
    let search = SiteURL.staff(.search).path
    let reviews = SiteURL.staff(.reviews).path
    return StaffAccess.places(for: role).map { place in
      let href = SiteURL.staff(StaffURL.of(place)).path
      return NavLink(href: href, label: language.text("place_" + place.rawValue), current: current == href)
    } + [
      NavLink(href: search, label: language.text("staff_search_nav"), current: current == search),
      NavLink(href: reviews, label: language.text("reviews_title"), current: current.hasPrefix(reviews)),
    ]
  }

  /// An option list of the units, by code.
  func unitOptions(_ names: ReferenceNames, selected: UUID?) -> [Option] {
    names.unitsByCode.map { Option($0.id, $0.name, selected: selected) }
  }
}

/// The browser session cookie and its settings.
enum SessionCookie {
  static let name = "minsheng_session"
  /// A session lasts twelve hours from login (one working day and the evening after it).
  static let lifetime: TimeInterval = 12 * 3_600
  /// The header that must carry the session's CSRF token on every request that changes something.
  static let csrfHeader = "X-CSRF-Token"

  static func value(_ key: String, secure: Bool) -> HTTPCookies.Value {
    HTTPCookies.Value(
      string: key, maxAge: Int(lifetime), path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .strict)
  }

  static func expired(secure: Bool) -> HTTPCookies.Value {
    HTTPCookies.Value(string: "", maxAge: 0, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .strict)
  }
}
