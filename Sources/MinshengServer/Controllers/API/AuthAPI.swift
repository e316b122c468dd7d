import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// Staff login over the API: `POST /api/v1/auth/token` (a personal access token for API clients) and
/// `POST /api/v1/auth/session` (a browser session in a cookie, with its CSRF token); logout with
/// `DELETE /api/v1/auth/session`. Both share `StaffLogin`, and its lockout, with the login page.
struct AuthAPI: Sendable {
  let context: ServerContext
  let login: StaffLogin

  var store: Store { context.store }
  var clock: @Sendable () -> Date { context.clock }
  var secureCookies: Bool { context.renderer.secureCookies }

  struct Credentials: Content {
    var username: String
    var password: String
  }

  struct TokenResponse: Content {
    var token: String
    var role: Role
    var unitID: UUID?

    enum CodingKeys: String, CodingKey {
      case token, role
      case unitID = "unit_id"
    }
  }

  struct SessionResponse: Content {
    var csrfToken: String
    var username: String
    var role: Role
    var unitID: UUID?
    var expiresAt: Date

    enum CodingKeys: String, CodingKey {
      case username, role
      case csrfToken = "csrf_token"
      case unitID = "unit_id"
      case expiresAt = "expires_at"
    }
  }

  func issue(_ request: Request) async throws -> Response {
    let credentials = try request.content.decode(Credentials.self)
    let account = try await login.authenticate(username: credentials.username, password: credentials.password)
    let token = randomSecret(prefix: "ms_")
    try await store.issueToken(for: account, token: token, at: clock())
    let response = Response(status: .created)
    try response.content.encode(TokenResponse(token: token, role: account.role, unitID: account.unitID), as: .json)
    return response
  }

  func openSession(_ request: Request) async throws -> Response {
    let credentials = try request.content.decode(Credentials.self)
    let account = try await login.authenticate(username: credentials.username, password: credentials.password)
    let now = clock()
    let key = randomSecret(prefix: "")
    let csrf = randomSecret(prefix: "")
    try await store.openSession(for: account, key: key, csrfToken: csrf, at: now, lifetime: SessionCookie.lifetime)
    let response = Response(status: .created)
    response.cookies[SessionCookie.name] = SessionCookie.value(key, secure: secureCookies)
    try response.content.encode(
      SessionResponse(
        csrfToken: csrf, username: account.username, role: account.role, unitID: account.unitID,
        expiresAt: now.addingTimeInterval(SessionCookie.lifetime)), as: .json)
    return response
  }

  func closeSession(_ request: Request) async throws -> Response {
    let staff = try request.auth.require(AuthenticatedStaff.self)
    guard let key = staff.sessionKey else { throw PageError(.badRequest, "error_no_session") }
    try await store.closeSession(key: key)
    let response = Response(status: .noContent)
    response.cookies[SessionCookie.name] = SessionCookie.expired(secure: secureCookies)
    return response
  }
}
