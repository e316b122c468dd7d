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
        throw PageError(.forbidden, "error_csrf_header")
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

/// 登录: checks a username and password for the pages and the API alike — the lockout after five
/// failures, and the same answer for an unknown name as for a wrong password.
struct StaffLogin: Sendable {
  let store: Store
  let passwords: PasswordHashing
  let clock: @Sendable () -> Date

  /// The account for these credentials; counts failures and refuses locked or disabled accounts.
  func authenticate(username: String, password: String) async throws -> StaffAccount {
    // Counted first, for every name, known or not: past the limit the answer is 429 whoever the name
    // belongs to, and no password is checked.
    try await store.countLoginAttempt(username: username, at: clock())
    let refused = PageError(.unauthorized, "error_login_refused")
    guard let candidate = try await store.loginCandidate(username: username) else {
      // Spend the time a real check takes, so the answer does not tell which usernames exist.
      _ = passwords.verify(password, against: Self.decoyHash)
      throw refused
    }
    // A disabled account's password is checked all the same: the same answer in the same time.
    guard passwords.verify(password, against: candidate.passwordHash), !candidate.account.disabled else {
      throw refused
    }
    try await store.clearLoginAttempts(username: username)
    return candidate.account
  }

  /// A Bcrypt hash of a random string, for the decoy check.
  private static let decoyHash = "$2b$12$C6UzMDM.H6dfI/f/IKxGhu3vzFm9F6EF6e6ZUFzBXG4lUd1lNdH2K"
}
