import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// `/staff/login`, `/staff/logout` and `/staff`: the workbench's door.
struct LoginController: Sendable {
  let pages: StaffPages
  let login: StaffLogin

  var context: ServerContext { pages.context }

  struct LoginForm: Decodable {
    var _csrf: String?
    var username: String?
    var password: String?
  }

  func form(_ request: Request) async throws -> Response {
    if try await pages.session(request) != nil {
      return request.redirect(to: SiteURL.staff(.home).path, redirectType: .normal)
    }
    return try await page(request, username: "", error: "", status: .ok)
  }

  private func page(
    _ request: Request, username: String, error: String, status: HTTPResponseStatus
  ) async throws
    -> Response
  {
    let language = request.pageLanguage
    return try await context.renderer.render(
      request, "staff/login", title: language.text("staff_login_title"),
      StaffLoginContent(username: username, error: error), status: status)
  }

  func submit(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(LoginForm.self)) ?? LoginForm()
    try request.checkFormToken(form._csrf)
    let account: StaffAccount
    do {
      account = try await login.authenticate(username: form.username ?? "", password: form.password ?? "")
    } catch let error as PageError {
      return try await page(
        request, username: form.username ?? "", error: request.pageLanguage.text(error.text), status: error.status)
    }
    let key = randomSecret(prefix: "")
    try await context.store.openSession(
      for: account, key: key, csrfToken: randomSecret(prefix: ""), at: context.clock(), lifetime: SessionCookie.lifetime
    )
    let response = request.redirect(to: SiteURL.staff(.home).path, redirectType: .normal)
    response.cookies[SessionCookie.name] = SessionCookie.value(key, secure: context.renderer.secureCookies)
    return response
  }

  struct TokenForm: Decodable {
    var _csrf: String?
  }

  func logout(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    try pages.checkCSRF((try? request.content.decode(TokenForm.self))?._csrf, session)
    try await context.store.closeSession(key: session.key)
    let response = pages.toLogin(request)
    response.cookies[SessionCookie.name] = SessionCookie.expired(secure: context.renderer.secureCookies)
    return response
  }

  /// `/staff`: each role's first page.
  func home(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let place = StaffAccess.places(for: session.account.role).first
    return request.redirect(
      to: place.map { SiteURL.staff(StaffURL.of($0)).path } ?? SiteURL.staff(.login).path, redirectType: .normal)
  }
}
