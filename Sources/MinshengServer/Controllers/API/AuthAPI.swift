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

  /// Login CSRF: another site must not log a browser into an account of its choosing. A session is
  /// opened only from JSON (a cross-site form cannot send it without the browser asking first) and,
  /// when the browser names where the request comes from, only from this site.
  func openSession(_ request: Request) async throws -> Response {
    guard request.headers.contentType == .json else { throw Abort(.unsupportedMediaType) }
    guard request.isFromThisSite(publicAuthority: context.renderer.publicAuthority) else {
      throw PageError(.forbidden, "error_cross_site")
    }
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

  struct TokenList: Content {
    struct Item: Content {
      var id: UUID
      var createdAt: Date
      var expiresAt: Date

      enum CodingKeys: String, CodingKey {
        case id
        case createdAt = "created_at"
        case expiresAt = "expires_at"
      }
    }

    var tokens: [Item]
  }

  /// `GET /api/v1/auth/tokens`: the caller's unexpired API tokens (ids and dates, never the tokens).
  func tokens(_ request: Request) async throws -> TokenList {
    let staff = try request.auth.require(AuthenticatedStaff.self)
    return TokenList(
      tokens: try await store.tokens(of: staff.account, at: clock()).map {
        TokenList.Item(id: $0.id, createdAt: $0.createdAt, expiresAt: $0.expiresAt)
      })
  }

  /// `DELETE /api/v1/auth/tokens/{id}`: revokes one of the caller's own tokens (204); another's, or
  /// one that does not exist, is 404.
  func revokeToken(_ request: Request) async throws -> Response {
    let staff = try request.auth.require(AuthenticatedStaff.self)
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound(.token) }
    try await store.revokeToken(id, of: staff.account)
    return Response(status: .noContent)
  }

  /// `DELETE /api/v1/auth/session`: ends the session the request came with. Signing out is idempotent:
  /// a request with a bearer token (and no session) has nothing to end and is answered the same 204.
  func closeSession(_ request: Request) async throws -> Response {
    let staff = try request.auth.require(AuthenticatedStaff.self)
    if let key = staff.sessionKey { try await store.closeSession(key: key) }
    let response = Response(status: .noContent)
    response.cookies[SessionCookie.name] = SessionCookie.expired(secure: secureCookies)
    return response
  }
}
