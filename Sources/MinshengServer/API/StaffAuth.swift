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

/// The staff account that a request's bearer token belongs to.
struct AuthenticatedStaff: Authenticatable {
  var account: StaffAccount
}

/// Reads `Authorization: Bearer …`, finds the account, and refuses the request (401) without one.
struct BearerAuthentication: AsyncMiddleware {
  let store: Store
  let clock: @Sendable () -> Date

  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    guard let token = request.headers.bearerAuthorization?.token,
      let account = try await store.account(forToken: token, at: clock())
    else {
      throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer"])
    }
    request.auth.login(AuthenticatedStaff(account: account))
    return try await next.respond(to: request)
  }
}

/// `POST /api/v1/auth/token`: a personal access token for a username and password.
struct AuthController: Sendable {
  let store: Store
  let passwords: PasswordHashing
  let clock: @Sendable () -> Date

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

  func register(on routes: any RoutesBuilder) {
    routes.post("api", "v1", "auth", "token", use: issue)
  }

  func issue(_ request: Request) async throws -> Response {
    let credentials = try request.content.decode(Credentials.self)
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
    var bytes = [UInt8](repeating: 0, count: 32)
    var generator = SystemRandomNumberGenerator()
    for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
    let token =
      "ms_"
      + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    try await store.issueToken(for: candidate.account, token: token, at: now)
    let response = Response(status: .created)
    try response.content.encode(
      TokenResponse(token: token, role: candidate.account.role, unitID: candidate.account.unitID), as: .json)
    return response
  }

  /// A Bcrypt hash of a random string, for the decoy check.
  private static let decoyHash = "$2b$12$C6UzMDM.H6dfI/f/IKxGhu3vzFm9F6EF6e6ZUFzBXG4lUd1lNdH2K"
}
