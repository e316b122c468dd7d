import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// Password hashing for staff accounts (Bcrypt); the cost is lowered only in tests.
public struct PasswordHashing: Sendable {
  public var cost: Int

  public init(cost: Int = 12) {
    self.cost = cost
  }

  public func hash(_ password: String) throws -> String {
    try Bcrypt.hash(password, cost: cost)
  }

  public func verify(_ password: String, against hash: String) -> Bool {
    (try? Bcrypt.verify(password, created: hash)) ?? false
  }
}

/// The staff account that a request was authenticated as, by bearer token or by session cookie.
struct AuthenticatedStaff: Authenticatable {
  var account: StaffAccount
  /// The session key, when the request came with the session cookie rather than a token.
  var sessionKey: String?
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

/// Authenticates staff requests: `Authorization: Bearer …` (API clients) or the session cookie
/// (browsers). Refuses the request (401) without either. A request authenticated by the cookie
/// that changes something must carry the session's CSRF token in `X-CSRF-Token` (403 otherwise),
/// so that another site cannot make a logged-in browser act.
struct StaffAuthentication: AsyncMiddleware {
  let store: Store
  let clock: @Sendable () -> Date

  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    if let token = request.headers.bearerAuthorization?.token {
      guard let account = try await store.account(forToken: token, at: clock()) else {
        throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer"])
      }
      request.auth.login(AuthenticatedStaff(account: account, sessionKey: nil))
      return try await next.respond(to: request)
    }
    guard let key = request.cookies[SessionCookie.name]?.string, !key.isEmpty,
      let session = try await store.session(forKey: key, at: clock())
    else {
      throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer"])
    }
    if ![.GET, .HEAD, .OPTIONS].contains(request.method) {
      let sent = request.headers.first(name: SessionCookie.csrfHeader) ?? ""
      guard constantTimeEqual(sent, session.csrfToken) else {
        throw Abort(.forbidden, reason: "缺少或错误的 CSRF 令牌，请刷新页面后重试")
      }
    }
    request.auth.login(AuthenticatedStaff(account: session.account, sessionKey: key))
    return try await next.respond(to: request)
  }

  private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let (x, y) = (Array(a.utf8), Array(b.utf8))
    guard x.count == y.count, !x.isEmpty else { return false }
    return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
  }
}

/// A random secret of 32 bytes in URL-safe base64, with a prefix naming its kind.
func randomSecret(prefix: String) -> String {
  var bytes = [UInt8](repeating: 0, count: 32)
  var generator = SystemRandomNumberGenerator()
  for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
  return prefix
    + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
    .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
}

/// Staff login: `POST /api/v1/auth/token` (a personal access token for API clients) and
/// `POST /api/v1/auth/session` (a browser session in a cookie, with its CSRF token); logout with
/// `DELETE /api/v1/auth/session`. Both logins share the lockout after five failures.
struct AuthController: Sendable {
  let store: Store
  let passwords: PasswordHashing
  let clock: @Sendable () -> Date
  /// Whether cookies are marked `Secure` (when `BASE_URL` is https).
  let secureCookies: Bool

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

  func register(on routes: any RoutesBuilder, staff: any RoutesBuilder) {
    routes.post("api", "v1", "auth", "token", use: issue)
    routes.post("api", "v1", "auth", "session", use: openSession)
    staff.delete("api", "v1", "auth", "session", use: closeSession)
  }

  func issue(_ request: Request) async throws -> Response {
    let account = try await authenticate(try request.content.decode(Credentials.self))
    let token = randomSecret(prefix: "ms_")
    try await store.issueToken(for: account, token: token, at: clock())
    let response = Response(status: .created)
    try response.content.encode(TokenResponse(token: token, role: account.role, unitID: account.unitID), as: .json)
    return response
  }

  func openSession(_ request: Request) async throws -> Response {
    let account = try await authenticate(try request.content.decode(Credentials.self))
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
    guard let key = staff.sessionKey else { throw Abort(.badRequest, reason: "该请求未使用会话登录") }
    try await store.closeSession(key: key)
    let response = Response(status: .noContent)
    response.cookies[SessionCookie.name] = SessionCookie.expired(secure: secureCookies)
    return response
  }

  /// The account for these credentials; counts failures and refuses locked or disabled accounts.
  func authenticate(_ credentials: Credentials) async throws -> StaffAccount {
    let now = clock()
    let refused = Abort(.unauthorized, reason: "用户名或密码错误")
    guard let candidate = try await store.loginCandidate(username: credentials.username) else {
      // Spend the time a real check takes, so the answer does not tell which usernames exist.
      _ = passwords.verify(credentials.password, against: Self.decoyHash)
      throw refused
    }
    if LoginThrottle.isLocked(until: candidate.lockedUntil, at: now) {
      throw Abort(.tooManyRequests, reason: "登录失败次数过多，账号已锁定 15 分钟")
    }
    guard !candidate.account.disabled, passwords.verify(credentials.password, against: candidate.passwordHash) else {
      try await store.recordFailedLogin(username: credentials.username, at: now)
      throw refused
    }
    return candidate.account
  }

  /// A Bcrypt hash of a random string, for the decoy check.
  private static let decoyHash = "$2b$12$C6UzMDM.H6dfI/f/IKxGhu3vzFm9F6EF6e6ZUFzBXG4lUd1lNdH2K"
}
